import type pg from 'pg';
import { isCalendarDate } from '../domain/calendar-date.js';
import { AppError } from '../domain/errors.js';
import { isTransactionId } from '../domain/identifiers.js';
import { decodeCursor, encodeCursor, invalid, parseBooleanParam, parseDateRange, parseEnumParam, parseLimitParam } from '../domain/query-params.js';
import { isCategory } from '../domain/taxonomy.js';
import { findAccount, findAccountTransaction, listAccountTransactions, toTransactionView, type AccountRef } from './transaction.repository.js';
import { TransactionStatus, type AccountTransactionsQuery, type TransactionsPage, type TransactionView } from './transaction.schemas.js';

/** The longest text a transactions search takes (merchant names are at most 200 characters). */
const MAX_SEARCH_LENGTH = 200;

type PagePosition = [date: string, transactionId: string];
/** What a page's last row can be: a cursor made by hand with another date or id is refused, not sent to the database. */
const isPosition = (value: unknown): value is PagePosition =>
  Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && isCalendarDate(value[0]) && typeof value[1] === 'string' && isTransactionId(value[1]);

/**
 * Cursors of this listing say which order they page in. Since migration 030, same-date rows go by
 * transaction id in code-point order; a position handed out before it, in the database's collation,
 * would skip or repeat rows read in this one (on a database not created with the C collation).
 */
const CURSOR_TAG = 'account-transactions/code-point';
const CURSOR_TAG_BEFORE_030 = 'account-transactions';

function decodePosition(cursor: string): PagePosition {
  try {
    return decodeCursor(cursor, CURSOR_TAG, isPosition);
  } catch (error) {
    try {
      decodeCursor(cursor, CURSOR_TAG_BEFORE_030, isPosition);
    } catch {
      throw error;
    }
    throw invalid('cursor', 'was handed out before an upgrade changed the order of same-date transactions; list again from the first page');
  }
}

/** Reading an account's transactions (contract §11). */
export class TransactionService {
  constructor(private readonly pool: pg.Pool) {}

  async getTransaction(integrationId: number, accountId: string, transactionId: string): Promise<TransactionView> {
    const account = await this.requireAccount(integrationId, accountId);
    const row = await findAccountTransaction(this.pool, account.id, transactionId);
    if (!row) throw new AppError('not_found', `No transaction ${transactionId} in account ${accountId}.`);
    return toTransactionView(row);
  }

  async listTransactions(integrationId: number, accountId: string, query: AccountTransactionsQuery): Promise<TransactionsPage> {
    const { startDate, endDate } = parseDateRange(query);
    if (query.category !== undefined && !isCategory(query.category)) {
      throw invalid('category', 'must be a category of GET /api/categories', `category "${query.category}" is not one of GET /api/categories.`);
    }
    const status = parseEnumParam(query.status, 'status', TransactionStatus.enum);
    if (query.q !== undefined && (query.q.trim().length === 0 || query.q.length > MAX_SEARCH_LENGTH)) {
      throw invalid('q', `must be 1–${MAX_SEARCH_LENGTH} characters, not only spaces`, `q must be 1–${MAX_SEARCH_LENGTH} characters of text to search for.`);
    }
    const includeRemoved = parseBooleanParam(query.include_removed, 'include_removed', false);
    const limit = parseLimitParam(query.limit);
    const after = query.cursor === undefined ? null : decodePosition(query.cursor);
    const account = await this.requireAccount(integrationId, accountId);
    // One row more than asked tells whether another page exists without a count.
    const rows = await listAccountTransactions(this.pool, {
      accountId: account.id,
      startDate,
      endDate,
      category: query.category ?? null,
      status: status ?? null,
      text: query.q === undefined ? null : `%${query.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      includeRemoved,
      after: after === null ? null : { date: after[0], transactionId: after[1] },
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      transactions: page.map(toTransactionView),
      next_cursor: rows.length > limit && last ? encodeCursor(CURSOR_TAG, [last.date, last.transaction_id]) : null,
    };
  }

  /** Another integration's account is as unknown as a missing one: existence does not leak. */
  async requireAccount(integrationId: number, accountId: string): Promise<AccountRef> {
    const account = await findAccount(this.pool, integrationId, accountId);
    if (!account) throw new AppError('not_found', `No account ${accountId}.`);
    return account;
  }
}
