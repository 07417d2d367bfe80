import type { Queryable } from '../infra/db.js';

export interface SummaryRange {
  integrationId: number;
  accountExternalId: string;
  /** Inclusive calendar bounds (YYYY-MM-DD); null leaves that side open. */
  startDate: string | null;
  endDate: string | null;
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
 * account's date range in account_daily_rollup (migration 002), which triggers keep exactly equal
 * to the transactions: a year of a busy account is a few thousand rollup rows instead of hundreds
 * of thousands of transactions. Rows are first grouped by category (a handful of groups); totals,
 * status counts and the ranking are then taken from those groups. An account the integration does
 * not own yields no row.
 */
export async function summarizeAccountRange(db: Queryable, range: SummaryRange): Promise<SummaryRow | undefined> {
  const { rows } = await db.query<SummaryRow>(
    `SELECT a.currency,
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
           FROM account_daily_rollup r
          WHERE r.account_id = a.id
            -- Open bounds become infinities so both stay index conditions in a generic plan.
            AND r.date >= coalesce($3::date, '-infinity'::date)
            AND r.date <= coalesce($4::date, 'infinity'::date)
          GROUP BY r.category
       ) c ON true
      GROUP BY a.id, a.currency`,
    [range.integrationId, range.accountExternalId, range.startDate, range.endDate],
  );
  return rows[0];
}
