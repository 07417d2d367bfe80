import type { Queryable } from '../infra/db.js';
import { rangeParameters } from './date-range.js';
import type { SummaryRange } from './report.repository.js';

export interface MonthRow {
  currency: string;
  /** YYYY-MM, or null for the one row of an account with no transactions in range. */
  month: string | null;
  /** Money as exact numeric text, not yet formatted to the currency's decimals. */
  totalSpend: string | null;
  totalIncome: string | null;
  net: string | null;
  categories: Array<{ category: string; total_spend: string; transaction_count: number }>;
}

/**
 * An account's months over a date range, in one statement over the rollups (migrations 002, 003, 013):
 * whole months from the monthly rollup and the edge days from the daily one (finished rows) and from
 * the few unfinished rows themselves (their partial index), folded into their months; removed
 * transactions are in no rollup, bank-pending ones only when asked for. One row a month with transactions, ascending; an account with none in range yields one
 * row without a month, and an account the integration does not own yields no row.
 */
export async function monthlyTotals(db: Queryable, range: SummaryRange): Promise<MonthRow[]> {
  const { rows } = await db.query<MonthRow>({
    name: 'account-monthly-totals',
    text: `SELECT a.currency, to_char(m.month, 'YYYY-MM') AS month,
            m.spend::text AS "totalSpend", m.income::text AS "totalIncome", (m.income - m.spend)::text AS net,
            coalesce(m.categories, '[]') AS categories
       FROM (SELECT id, currency::text AS currency
               FROM accounts
              WHERE integration_id = $1 AND external_id = $2) a
       LEFT JOIN LATERAL (
         SELECT c.month, sum(c.spend) AS spend, sum(c.income) AS income,
                -- Ranked by spend, ties by name in byte order (not the database's locale).
                json_agg(json_build_object('category', c.category, 'total_spend', c.spend::text, 'transaction_count', c.spend_transactions)
                         ORDER BY c.spend DESC, c.category COLLATE "C")
                  FILTER (WHERE c.category NOT IN ('', 'UNCATEGORIZED') AND c.spend_transactions > 0) AS categories
           FROM (SELECT r.month, r.category, sum(r.transactions) AS transactions, sum(r.spend) AS spend,
                        sum(r.income) AS income, sum(r.spend_transactions) AS spend_transactions
                   FROM (SELECT mr.month, mr.category, mr.transactions, mr.spend, mr.income, mr.spend_transactions
                           FROM account_monthly_rollup mr
                          WHERE mr.account_id = a.id AND mr.month >= $3::date AND mr.month <= $4::date AND ($9 OR NOT mr.pending)
                         UNION ALL
                         SELECT date_trunc('month', d.date)::date, d.category, d.transactions, d.spend, d.income, d.spend_transactions
                           FROM account_daily_rollup d
                          WHERE d.account_id = a.id AND ($9 OR NOT d.pending)
                            AND ((d.date >= $5::date AND d.date <= $6::date) OR (d.date >= $7::date AND d.date <= $8::date))
                         UNION ALL
                         -- The daily rollup counts finished rows only: the edge days' unfinished rows as they are.
                         SELECT date_trunc('month', t.date)::date, coalesce(t.category, ''), 1,
                                greatest(-t.amount, 0), greatest(t.amount, 0), (t.amount < 0)::int
                           FROM transactions t
                          WHERE t.account_id = a.id AND t.status IN ('pending', 'processing') AND t.removed_at IS NULL AND ($9 OR NOT t.pending)
                            AND ((t.date >= $5::date AND t.date <= $6::date) OR (t.date >= $7::date AND t.date <= $8::date))) r
                  GROUP BY r.month, r.category) c
          GROUP BY c.month
          -- Rollup rows whose transactions all moved away stay behind at zero: such a month is empty.
         HAVING sum(c.transactions) > 0
       ) m ON true
      ORDER BY m.month`,
    values: [
      range.integrationId,
      range.accountExternalId,
      ...rangeParameters(range.ranges),
      range.includePending,
    ],
  });
  return rows;
}
