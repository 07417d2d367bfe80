import { isActiveCurrency, MAX_MINOR_UNITS, minorUnits } from '../domain/currencies.js';
import { AppError, pointerToken, type FieldProblem } from '../domain/errors.js';
import { parseAmount } from '../domain/money.js';
import type { NewTransaction } from './ingestion.repository.js';

/** The contract caps the problems listed in one answer. */
export const MAX_PROBLEMS = 100;

/**
 * The problems of one request, one per field (JSON Pointer): the first MAX_PROBLEMS are kept with
 * their message, the rest only counted, so a body with a million broken fields costs no more.
 */
export class FieldProblems {
  private readonly pointers = new Set<string>();
  readonly listed: FieldProblem[] = [];

  /** Adds a problem unless its field already has one. */
  add(pointer: string, message: string): void {
    if (this.pointers.has(pointer)) return;
    this.pointers.add(pointer);
    if (this.listed.length < MAX_PROBLEMS) this.listed.push({ pointer, message });
  }

  /** Every field with a problem, listed or not. */
  get count(): number {
    return this.pointers.size;
  }
}

/** More transactions than a batch may hold: refused whole, before anything else is looked at. */
export function batchTooLarge(maxBatchSize: number, count: number): AppError {
  return new AppError('batch_too_large', `A batch holds at most ${maxBatchSize} transactions; this one has ${count}.`, {
    max_batch_size: maxBatchSize,
  });
}

export interface ValidBatch {
  account: { externalId: string; currency: string; name: string | null; institution: string | null };
  transactions: NewTransaction[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The rules a JSON Schema cannot state: currencies that exist, decimals per currency, ids unique
 * within the request, and text PostgreSQL can store. `problems` holds the schema's own findings;
 * fields they already flag are not reported twice.
 */
export function validateBatch(body: unknown, problems: FieldProblems): { batch: ValidBatch } | { problems: FieldProblems } {
  const report = (pointer: string, message: string) => problems.add(pointer, message);
  // Pointers are worked out only for a body that has something to point at: most have nothing.
  if (holdsUnstorableText(body)) findUnstorableText(body, report);

  const account = isObject(body) && isObject(body.account) ? body.account : {};
  const currency = text(account.currency);
  const knownCurrency = currency !== null && isActiveCurrency(currency) ? currency : undefined;
  if (currency !== null && /^[A-Z]{3}$/.test(currency) && !knownCurrency) {
    report('/account/currency', `"${currency}" is not an active ISO 4217 currency code`);
  }

  const items = isObject(body) && Array.isArray(body.transactions) ? body.transactions : [];
  const seen = new Map<string, number>();
  const transactions: NewTransaction[] = [];
  items.forEach((item, index) => {
    if (!isObject(item)) return;
    const at = `/transactions/${index}`;
    const id = text(item.transaction_id);
    if (id !== null) {
      const first = seen.get(id);
      if (first !== undefined) report(`${at}/transaction_id`, `"${id}" is repeated; it first appears at /transactions/${first}`);
      else seen.set(id, index);
    }
    const ownCurrency = item.currency === undefined ? knownCurrency : text(item.currency);
    if (item.currency !== undefined && knownCurrency && ownCurrency !== null && ownCurrency !== knownCurrency) {
      report(`${at}/currency`, `must equal the account's currency ${knownCurrency}`);
    }
    // Named whatever else is wrong with the line or the account: every problem is listed (§3).
    const pending = item.pending === true;
    const pendingTransactionId = text(item.pending_transaction_id);
    if (pending && pendingTransactionId !== null) {
      report(`${at}/pending_transaction_id`, 'is only allowed on a posted transaction (pending: false)');
    } else if (pendingTransactionId !== null && pendingTransactionId === id) {
      // A transaction posting under its own id is sent again with pending: false (§10); it replaces nothing.
      report(`${at}/pending_transaction_id`, 'must name another transaction: one that posts under its own id is sent again with pending: false and no pending_transaction_id');
    }
    // With the account's currency wrong the batch is refused anyway: its amounts are still checked
    // against the most decimals any currency has, so each one wrong in every currency is named too.
    const amount = parseAmount(item.amount, knownCurrency ? minorUnits(knownCurrency) : MAX_MINOR_UNITS);
    if (!amount.ok) {
      if (item.amount !== undefined) report(`${at}/amount`, amount.message);
      return;
    }
    if (!knownCurrency) return;
    transactions.push({
      transactionId: id ?? '',
      pending,
      pendingTransactionId,
      date: text(item.date) ?? '',
      amount: amount.amount,
      currency: knownCurrency,
      merchantName: text(item.merchant_name),
      description: text(item.description),
      raw: JSON.stringify(item),
    });
  });

  if (problems.count > 0) return { problems };
  return {
    batch: {
      account: {
        externalId: text(account.account_id) ?? '',
        currency: knownCurrency ?? '',
        name: text(account.name),
        institution: text(account.institution),
      },
      transactions,
    },
  };
}

const isStorable = (value: string): boolean => !value.includes('\u0000') && value.isWellFormed();

/** Whether any name or string in the body is one PostgreSQL cannot store; one walk that builds nothing. */
function holdsUnstorableText(body: unknown): boolean {
  const stack: unknown[] = [body];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (!isStorable(value)) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
    } else if (isObject(value)) {
      for (const key of Object.keys(value)) {
        if (!isStorable(key)) return true;
        stack.push(value[key]);
      }
    }
  }
  return false;
}

/**
 * PostgreSQL text and jsonb cannot hold NUL characters or unpaired surrogates: refuse them by field.
 * Walks with its own stack, so no nesting depth can overflow the call stack.
 */
function findUnstorableText(body: unknown, report: (pointer: string, message: string) => void): void {
  const stack: Array<[unknown, string]> = [[body, '']];
  while (stack.length > 0) {
    const [value, pointer] = stack.pop() as [unknown, string];
    if (typeof value === 'string') {
      if (value.includes('\u0000')) report(pointer, 'must not contain the NUL character (\\u0000)');
      else if (!value.isWellFormed()) report(pointer, 'must be well-formed Unicode (it holds an unpaired surrogate)');
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) stack.push([value[index], `${pointer}/${index}`]);
    } else if (isObject(value)) {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i] as [string, unknown];
        if (key.includes('\u0000') || !key.isWellFormed()) report(`${pointer}/${pointerToken(key)}`, 'has a field name PostgreSQL cannot store');
        stack.push([item, `${pointer}/${pointerToken(key)}`]);
      }
    }
  }
}
