import type { Queryable } from '../infra/db.js';
import { rangeParameters, type RollupRanges } from './date-range.js';

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
 * account's date range in the rollups (migrations 002, 003, 013), which triggers keep exactly equal to
 * the transactions: whole months come from the monthly rollup and the edge days from the daily one,
 * so a year of a busy account is a few hundred rollup rows instead of hundreds of thousands of
 * transactions. The rollups leave claims alone (migration 013): the monthly one counts pending and
 * processing rows together as `unfinished`, and the daily one counts finished rows only. So the edge
 * days' unfinished rows, and the whole months' processing rows that split `unfinished`, are read from
 * the transactions through their partial index (`transactions_unfinished`: rows waiting for or in
 * enrichment, few). Rows are first grouped by category (a handful of groups); totals, status counts
 * and the ranking are then taken from those groups. An account the integration does not own yields
 * no row.
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
            -- A whole month's unfinished rows are pending unless they are processing.
            (coalesce(sum(c.pending), 0) + coalesce(sum(c.unfinished), 0) - p.processing)::int AS pending,
            (coalesce(sum(c.processing), 0) + p.processing)::int AS processing,
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
                coalesce(sum(r.transactions) FILTER (WHERE r.status = 'unfinished'), 0) AS unfinished,
                coalesce(sum(r.transactions) FILTER (WHERE r.status = 'pending'), 0) AS pending,
                coalesce(sum(r.transactions) FILTER (WHERE r.status = 'processing'), 0) AS processing,
                coalesce(sum(r.transactions) FILTER (WHERE r.status = 'completed'), 0) AS completed,
                coalesce(sum(r.transactions) FILTER (WHERE r.status = 'failed'), 0) AS failed
           FROM (SELECT m.category, m.status, m.transactions, m.spend, m.income, m.spend_transactions
                   FROM account_monthly_rollup m
                  WHERE m.account_id = a.id AND m.month >= $3::date AND m.month <= $4::date AND ($9 OR NOT m.pending)
                 UNION ALL
                 -- Edge days: their finished rows from the daily rollup, their unfinished ones as they are.
                 SELECT d.category, d.status, d.transactions, d.spend, d.income, d.spend_transactions
                   FROM account_daily_rollup d
                  WHERE d.account_id = a.id AND d.date >= $5::date AND d.date <= $6::date AND ($9 OR NOT d.pending)
                 UNION ALL
                 SELECT d.category, d.status, d.transactions, d.spend, d.income, d.spend_transactions
                   FROM account_daily_rollup d
                  WHERE d.account_id = a.id AND d.date >= $7::date AND d.date <= $8::date AND ($9 OR NOT d.pending)
                 UNION ALL
                 SELECT coalesce(t.category, ''), t.status, 1, greatest(-t.amount, 0), greatest(t.amount, 0), (t.amount < 0)::int
                   FROM transactions t
                  WHERE t.account_id = a.id AND t.status IN ('pending', 'processing') AND t.removed_at IS NULL
                    AND t.date >= $5::date AND t.date <= $6::date AND ($9 OR NOT t.pending)
                 UNION ALL
                 SELECT coalesce(t.category, ''), t.status, 1, greatest(-t.amount, 0), greatest(t.amount, 0), (t.amount < 0)::int
                   FROM transactions t
                  WHERE t.account_id = a.id AND t.status IN ('pending', 'processing') AND t.removed_at IS NULL
                    AND t.date >= $7::date AND t.date <= $8::date AND ($9 OR NOT t.pending)) r
          GROUP BY r.category
       ) c ON true
       CROSS JOIN LATERAL (
         SELECT count(*) AS processing
           FROM transactions t
          WHERE t.account_id = a.id AND t.status = 'processing' AND t.removed_at IS NULL AND ($9 OR NOT t.pending)
            AND t.date >= $3::date AND t.date < ($4::date + interval '1 month')::date
       ) p
      GROUP BY a.id, a.currency, p.processing`,
    values: [
      range.integrationId,
      range.accountExternalId,
      ...rangeParameters(range.ranges),
      range.includePending,
    ],
  });
  return rows[0];
}
