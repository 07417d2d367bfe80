import { isActiveCurrency, minorUnits } from '../domain/currencies.js';
import { pointerToken, type FieldProblem } from '../domain/errors.js';
import { parseAmount } from '../domain/money.js';
import type { NewTransaction } from './ingestion.repository.js';

/** The contract caps the problems listed in one answer. */
export const MAX_PROBLEMS = 100;

export interface ValidBatch {
  account: { externalId: string; currency: string; name: string | null; institution: string | null };
  transactions: NewTransaction[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The rules a JSON Schema cannot state: currencies that exist, decimals per currency, ids unique
 * within the request, and text PostgreSQL can store. `structural` are the schema's own findings;
 * fields they already flag are not reported twice.
 */
export function validateBatch(body: unknown, structural: FieldProblem[]): { batch: ValidBatch } | { problems: FieldProblem[] } {
  const problems = [...structural];
  const flagged = new Set(structural.map((p) => p.pointer));
  const report = (pointer: string, message: string) => {
    if (!flagged.has(pointer)) problems.push({ pointer, message });
    flagged.add(pointer);
  };
  findUnstorableText(body, '', report);

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
    if (!knownCurrency) return;
    const amount = parseAmount(item.amount, minorUnits(knownCurrency));
    if (!amount.ok) {
      if (item.amount !== undefined) report(`${at}/amount`, amount.message);
      return;
    }
    const pending = item.pending === true;
    const pendingTransactionId = text(item.pending_transaction_id);
    if (pending && pendingTransactionId !== null) {
      report(`${at}/pending_transaction_id`, 'is only allowed on a posted transaction (pending: false)');
    }
    transactions.push({
      transactionId: id ?? '',
      pending,
      // Naming itself is the same transaction posting: nothing to replace.
      pendingTransactionId: pendingTransactionId === id ? null : pendingTransactionId,
      date: text(item.date) ?? '',
      amount: amount.amount,
      currency: knownCurrency,
      merchantName: text(item.merchant_name),
      description: text(item.description),
      raw: JSON.stringify(item),
    });
  });

  if (problems.length > 0) return { problems: problems.slice(0, MAX_PROBLEMS) };
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

/** PostgreSQL text and jsonb cannot hold NUL characters or unpaired surrogates: refuse them by field. */
function findUnstorableText(value: unknown, pointer: string, report: (pointer: string, message: string) => void): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) report(pointer, 'must not contain the NUL character (\\u0000)');
    else if (!value.isWellFormed()) report(pointer, 'must be well-formed Unicode (it holds an unpaired surrogate)');
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => findUnstorableText(item, `${pointer}/${index}`, report));
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000') || !key.isWellFormed()) report(`${pointer}/${pointerToken(key)}`, 'has a field name PostgreSQL cannot store');
      findUnstorableText(item, `${pointer}/${pointerToken(key)}`, report);
    }
  }
}
