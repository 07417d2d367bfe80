import type pg from 'pg';
import { isActiveCurrency, minorUnits } from '../domain/currencies.js';
import { AppError } from '../domain/errors.js';
import { ACCOUNT_ID_MAX_LENGTH, IDENTIFIER_CHARACTERS, isAccountId } from '../domain/identifiers.js';
import { formatAmount } from '../domain/money.js';
import { decodeCursor, encodeCursor, invalid, parseBooleanParam, parseDateRange, parseLimitParam, unknownCursor } from '../domain/query-params.js';
import { listAccounts } from './account.repository.js';
import { splitRange } from './date-range.js';
import { monthlyTotals } from './monthly.repository.js';
import { summarizeAccountRange } from './report.repository.js';
import type { AccountListPage, AccountListQuery, AccountSummary, MonthlyReport, MonthlyReportQuery } from './report.schemas.js';

/** Per-account summaries for BI clients (contract §6). */
export class ReportService {
  constructor(private readonly pool: pg.Pool) {}

  /** Totals, top spend categories and enrichment progress of an account over an inclusive date range. */
  async summarizeAccount(integrationId: number, accountId: string, query: { start_date?: string; end_date?: string; include_pending?: string }): Promise<AccountSummary> {
    const { startDate, endDate, includePending } = parseReportQuery(accountId, query);
    const row = await summarizeAccountRange(this.pool, {
      integrationId,
      accountExternalId: accountId,
      includePending,
      ranges: splitRange(startDate, endDate),
    });
    // Another integration's account is as unknown as a missing one: existence does not leak.
    if (!row) throw new AppError('not_found', `No account ${accountId}.`);
    const money = moneyFormatter(accountId, row.currency);
    return {
      account_id: accountId,
      currency: row.currency,
      start_date: startDate,
      end_date: endDate,
      include_pending: includePending,
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
    const limit = parseLimitParam(query.limit);
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor, ACCOUNT_CURSOR, isAccountPosition);
    // One row more than asked tells whether another page exists without a count.
    const rows = await listAccounts(this.pool, integrationId, after, limit + 1);
    if (!rows) throw unknownCursor();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      accounts: page.map(({ id: _id, created_at, ...account }) => ({ ...account, created_at: created_at.toISOString() })),
      next_cursor: rows.length > limit && last ? encodeCursor(ACCOUNT_CURSOR, last.account_id) : null,
    };
  }

  /** An account's spend, income and spend by category, month by month, over an inclusive date range (contract §15). */
  async monthlyReport(integrationId: number, accountId: string, query: MonthlyReportQuery): Promise<MonthlyReport> {
    const { startDate, endDate, includePending } = parseReportQuery(accountId, query);
    const rows = await monthlyTotals(this.pool, {
      integrationId,
      accountExternalId: accountId,
      includePending,
      ranges: splitRange(startDate, endDate),
    });
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

// An accounts cursor holds the last account's own account_id, not its internal id: one sequence for
// every integration, that would tell a client how fast the others create accounts. Cursors of that
// form, handed out before, still page on.
const ACCOUNT_CURSOR = 'accounts';
const isAccountPosition = (value: unknown): value is string | number => (typeof value === 'string' && isAccountId(value)) || (Number.isSafeInteger(value) && (value as number) >= 0);


/** The account id, the inclusive date range and include_pending of a report's query, checked. */
function parseReportQuery(
  accountId: string,
  query: { start_date?: string; end_date?: string; include_pending?: string },
): { startDate: string | null; endDate: string | null; includePending: boolean } {
  if (!isAccountId(accountId)) throw invalid('account_id', `must be 1–${ACCOUNT_ID_MAX_LENGTH} characters of ${IDENTIFIER_CHARACTERS}`);
  return { ...parseDateRange(query), includePending: parseBooleanParam(query.include_pending, 'include_pending', true) };
}

/** Formats the account's sums with its currency's minor-unit decimals. */
function moneyFormatter(accountId: string, currency: string): (amount: string) => string {
  // Accounts are created with active currencies only; without decimals the money would be null.
  if (!isActiveCurrency(currency)) throw new Error(`account ${accountId} has unknown currency ${currency}`);
  const decimals = minorUnits(currency);
  return (amount) => formatAmount(amount, decimals);
}
