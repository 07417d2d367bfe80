import type pg from 'pg';
import { isActiveCurrency, minorUnits } from '../domain/currencies.js';
import { AppError } from '../domain/errors.js';
import { formatAmount } from '../domain/money.js';
import { asUnavailable } from '../infra/db.js';
import { decodeCursor, pageOf, parseLimit } from '../domain/paging.js';
import { listAccounts } from './account.repository.js';
import { splitRange } from './date-range.js';
import { monthlyTotals } from './monthly.repository.js';
import { summarizeAccountRange } from './report.repository.js';
import type { AccountListPage, AccountListQuery, AccountSummary, MonthlyReport, MonthlyReportQuery } from './report.schemas.js';

const ACCOUNT_ID = /^[A-Za-z0-9._:-]{1,64}$/;
// Inside an accounts cursor: the last account's internal id.
const ACCOUNT_CURSOR = /^a:(\d{1,15})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Per-account summaries for BI clients (contract §6). */
export class ReportService {
  constructor(private readonly pool: pg.Pool) {}

  /** Totals, top spend categories and enrichment progress of an account over an inclusive date range. */
  async summarizeAccount(integrationId: number, accountId: string, query: { start_date?: string; end_date?: string }): Promise<AccountSummary> {
    const { startDate, endDate } = parseRange(accountId, query);
    const row = await summarizeAccountRange(this.pool, {
      integrationId,
      accountExternalId: accountId,
      ranges: splitRange(startDate, endDate),
    }).catch(rethrowUnavailable);
    // Another integration's account is as unknown as a missing one: existence does not leak.
    if (!row) throw new AppError('not_found', `No account ${accountId}.`);
    const money = moneyFormatter(accountId, row.currency);
    return {
      account_id: accountId,
      currency: row.currency,
      start_date: startDate,
      end_date: endDate,
      total_transactions: row.totalTransactions,
      total_spend: money(row.totalSpend),
      total_income: money(row.totalIncome),
      net: money(row.net),
      top_spend_categories: row.topSpendCategories.map((c) => ({ ...c, total_spend: money(c.total_spend) })),
      ingestion_status: { pending: row.pending, processing: row.processing, completed: row.completed, failed: row.failed },
    };
  }

  /** The integration's accounts, oldest first, with their transaction counts (contract §15). */
  async listAccounts(integrationId: number, query: AccountListQuery): Promise<AccountListPage> {
    const limit = parseLimit(query.limit);
    const afterId = query.cursor === undefined ? 0 : Number(decodeCursor(query.cursor, ACCOUNT_CURSOR)[0]);
    const rows = await listAccounts(this.pool, integrationId, afterId, limit + 1).catch(rethrowUnavailable);
    const page = pageOf(rows, limit, (last) => `a:${last.id}`);
    return { accounts: page.items.map(({ id: _id, created_at, ...account }) => ({ ...account, created_at: created_at.toISOString() })), next_cursor: page.nextCursor };
  }

  /** An account's spend, income and spend by category, month by month, over an inclusive date range (contract §15). */
  async monthlyReport(integrationId: number, accountId: string, query: MonthlyReportQuery): Promise<MonthlyReport> {
    const { startDate, endDate } = parseRange(accountId, query);
    const includePending = parseIncludePending(query.include_pending);
    const rows = await monthlyTotals(this.pool, {
      integrationId,
      accountExternalId: accountId,
      ranges: splitRange(startDate, endDate),
    }).catch(rethrowUnavailable);
    const first = rows[0];
    if (!first) throw new AppError('not_found', `No account ${accountId}.`);
    const money = moneyFormatter(accountId, first.currency);
    const months = rows.flatMap(({ month, totalSpend, totalIncome, net, categories }) =>
      month === null || totalSpend === null || totalIncome === null || net === null
        ? []
        : [{ month, total_spend: money(totalSpend), total_income: money(totalIncome), net: money(net), categories: categories.map((c) => ({ ...c, total_spend: money(c.total_spend) })) }],
    );
    return { account_id: accountId, currency: first.currency, start_date: startDate, end_date: endDate, include_pending: includePending, months };
  }
}

function rethrowUnavailable(error: unknown): never {
  throw asUnavailable(error);
}

/** An account id and an inclusive date range from a query, checked. */
function parseRange(accountId: string, query: { start_date?: string; end_date?: string }): { startDate: string | null; endDate: string | null } {
  if (!ACCOUNT_ID.test(accountId)) {
    throw new AppError('invalid_parameter', 'account_id must be 1–64 characters of A-Z a-z 0-9 . _ : -', {
      errors: [{ pointer: '/account_id', message: 'must be 1–64 characters of A-Z a-z 0-9 . _ : -' }],
    });
  }
  const startDate = parseDate(query.start_date, 'start_date');
  const endDate = parseDate(query.end_date, 'end_date');
  // ISO calendar dates order as text.
  if (startDate !== null && endDate !== null && startDate > endDate) {
    throw new AppError('invalid_parameter', `start_date ${startDate} is after end_date ${endDate}.`, {
      errors: [{ pointer: '/start_date', message: 'must not be after end_date' }],
    });
  }
  return { startDate, endDate };
}

/** `include_pending` as sent: true when absent (contract §10). */
function parseIncludePending(value: string | undefined): boolean {
  if (value === undefined || value === 'true') return true;
  if (value === 'false') return false;
  throw new AppError('invalid_parameter', 'include_pending must be true or false.', { errors: [{ pointer: '/include_pending', message: 'must be true or false' }] });
}

/** Formats the account's sums with its currency's minor-unit decimals. */
function moneyFormatter(accountId: string, currency: string): (amount: string) => string {
  // Accounts are created with active currencies only; without decimals the money would be null.
  if (!isActiveCurrency(currency)) throw new Error(`account ${accountId} has unknown currency ${currency}`);
  const decimals = minorUnits(currency);
  return (amount) => formatAmount(amount, decimals);
}

/** A real calendar date YYYY-MM-DD (years 0001–9999), or null when absent. */
function parseDate(value: string | undefined, field: 'start_date' | 'end_date'): string | null {
  if (value === undefined) return null;
  const match = DATE.exec(value);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  // Date.UTC maps years below 100 to 19xx; setUTCFullYear does not.
  const date = new Date(Date.UTC(2000, 0, 1));
  date.setUTCFullYear(year, month - 1, day);
  const real = year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!real) {
    throw new AppError('invalid_parameter', `${field} must be a calendar date YYYY-MM-DD.`, {
      errors: [{ pointer: `/${field}`, message: 'must be a real calendar date YYYY-MM-DD' }],
    });
  }
  return value;
}
