import type { Queryable } from '../infra/db.js';
import type { RollupRanges } from './date-range.js';

export interface SummaryRange {
  integrationId: number;
  accountExternalId: string;
  /** Whether transactions the bank has not posted yet count (contract §10). */
  includePending: boolean;
  /** The inclusive date range, split into whole months and edge days (see date-range.ts). */
  ranges: RollupRanges;
}

export interface SummaryRow {
  currency: string;
  totalTransactions: number;
  /** Money as exact numeric text, not yet formatted to the currency's decimals. */
  totalSpend: string;
  totalIncome: string;
  net: string;
  topSpendCategories: Array<{ category: string; total_spend: string; transaction_count: number }>;
  pending: number;
  processing: number;
  completed: number;
  failed: number;
}

/** How many categories the summary ranks (contract §6). */
const TOP_CATEGORIES = 3;

/**
 * Everything an account summary shows, in one statement: the account lookup and one pass over the
 * account's date range in the rollups (migrations 002, 003), which triggers keep exactly equal to
 * the transactions: whole months come from the monthly rollup and the edge days from the daily one,
 * so a year of a busy account is a few hundred rollup rows instead of hundreds of thousands of
 * transactions. Rows are first grouped by category (a handful of groups); totals,
 * status counts and the ranking are then taken from those groups. An account the integration does
 * not own yields no row.
 */
export async function summarizeAccountRange(db: Queryable, range: SummaryRange): Promise<SummaryRow | undefined> {
  // Named: each connection parses and plans it once, not on every request.
  const { rows } = await db.query<SummaryRow>({
    name: 'summarize-account-range',
    text: `SELECT a.currency,
            coalesce(sum(c.transactions), 0)::int AS "totalTransactions",
            coalesce(sum(c.spend), 0)::text AS "totalSpend",
            coalesce(sum(c.income), 0)::text AS "totalIncome",
            (coalesce(sum(c.income), 0) - coalesce(sum(c.spend), 0))::text AS net,
            -- Ranked by spend, ties by name in byte order (not the database's locale); sliced to the top.
            coalesce(to_json((
              array_agg(json_build_object('category', c.category,
                                          'total_spend', c.spend::text,
                                          'transaction_count', c.spend_transactions)
                        ORDER BY c.spend DESC, c.category COLLATE "C")
                FILTER (WHERE c.category NOT IN ('', 'UNCATEGORIZED') AND c.spend_transactions > 0)
            )[1:${TOP_CATEGORIES}]), '[]') AS "topSpendCategories",
            coalesce(sum(c.pending), 0)::int AS pending,
            coalesce(sum(c.processing), 0)::int AS processing,
            coalesce(sum(c.completed), 0)::int AS completed,
            coalesce(sum(c.failed), 0)::int AS failed
       FROM (SELECT id, currency::text AS currency
               FROM accounts
              WHERE integration_id = $1 AND external_id = $2) a
       LEFT JOIN LATERAL (
         SELECT r.category,
                sum(r.transactions) AS transactions,
                sum(r.spend) AS spend,
                sum(r.income) AS income,
                sum(r.spend_transactions) AS spend_transactions,
                coalesce(sum(r.transactions) FILTER (WHERE r.status = 'pending'), 0) AS pending,
                coalesce(sum(r.transactions) FILTER (WHERE r.status = 'processing'), 0) AS processing,
                coalesce(sum(r.transactions) FILTER (WHERE r.status = 'completed'), 0) AS completed,
                coalesce(sum(r.transactions) FILTER (WHERE r.status = 'failed'), 0) AS failed
           FROM (SELECT m.category, m.status, m.transactions, m.spend, m.income, m.spend_transactions
                   FROM account_monthly_rollup m
                  WHERE m.account_id = a.id AND m.month >= $3::date AND m.month <= $4::date AND ($9 OR NOT m.pending)
                 UNION ALL
                 SELECT d.category, d.status, d.transactions, d.spend, d.income, d.spend_transactions
                   FROM account_daily_rollup d
                  WHERE d.account_id = a.id AND d.date >= $5::date AND d.date <= $6::date AND ($9 OR NOT d.pending)
                 UNION ALL
                 SELECT d.category, d.status, d.transactions, d.spend, d.income, d.spend_transactions
                   FROM account_daily_rollup d
                  WHERE d.account_id = a.id AND d.date >= $7::date AND d.date <= $8::date AND ($9 OR NOT d.pending)) r
          GROUP BY r.category
       ) c ON true
      GROUP BY a.id, a.currency`,
    values: [
      range.integrationId,
      range.accountExternalId,
      // A missing part compares with NULL and reads no rows.
      range.ranges.months?.[0] ?? null,
      range.ranges.months?.[1] ?? null,
      range.ranges.days[0]?.[0] ?? null,
      range.ranges.days[0]?.[1] ?? null,
      range.ranges.days[1]?.[0] ?? null,
      range.ranges.days[1]?.[1] ?? null,
      range.includePending,
    ],
  });
  return rows[0];
}
