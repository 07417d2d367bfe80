import type pg from 'pg';
import { isActiveCurrency, minorUnits } from '../domain/currencies.js';
import { AppError } from '../domain/errors.js';
import { formatAmount } from '../domain/money.js';
import { parseBooleanParam, parseDateRange } from '../domain/query-params.js';
import { asUnavailable } from '../infra/db.js';
import { splitRange } from './date-range.js';
import { summarizeAccountRange } from './report.repository.js';
import type { AccountSummary } from './report.schemas.js';

const ACCOUNT_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Per-account summaries for BI clients (contract §6). */
export class ReportService {
  constructor(private readonly pool: pg.Pool) {}

  /** Totals, top spend categories and enrichment progress of an account over an inclusive date range. */
  async summarizeAccount(integrationId: number, accountId: string, query: { start_date?: string; end_date?: string; include_pending?: string }): Promise<AccountSummary> {
    if (!ACCOUNT_ID.test(accountId)) {
      throw new AppError('invalid_parameter', 'account_id must be 1–64 characters of A-Z a-z 0-9 . _ : -', {
        errors: [{ pointer: '/account_id', message: 'must be 1–64 characters of A-Z a-z 0-9 . _ : -' }],
      });
    }
    const { startDate, endDate } = parseDateRange(query);
    const includePending = parseBooleanParam(query.include_pending, 'include_pending', true);
    const row = await summarizeAccountRange(this.pool, {
      integrationId,
      accountExternalId: accountId,
      includePending,
      ranges: splitRange(startDate, endDate),
    }).catch((error: unknown) => {
      throw asUnavailable(error);
    });
    // Another integration's account is as unknown as a missing one: existence does not leak.
    if (!row) throw new AppError('not_found', `No account ${accountId}.`);
    // Accounts are created with active currencies only; without decimals the money would be null.
    if (!isActiveCurrency(row.currency)) throw new Error(`account ${accountId} has unknown currency ${row.currency}`);
    const decimals = minorUnits(row.currency);
    const money = (amount: string) => formatAmount(amount, decimals);
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
}
