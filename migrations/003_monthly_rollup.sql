-- Per-month rollup beside the per-day one: a year-long summary reads twelve months of rollup
-- rows plus the days at the edges of the range, instead of 365 days of them.

CREATE TABLE account_monthly_rollup (
  account_id          bigint NOT NULL REFERENCES accounts (id),
  -- First day of the month.
  month               date NOT NULL CHECK (month = date_trunc('month', month)::date),
  category            text NOT NULL,
  status              text NOT NULL,
  transactions        bigint NOT NULL,
  spend               numeric NOT NULL,
  income              numeric NOT NULL,
  spend_transactions  bigint NOT NULL,
  -- Summaries read one account's months; the key orders the rows that way.
  PRIMARY KEY (account_id, month, category, status)
);

-- Both rollups take the same deltas in the same statement; each upserts in key order, and the day
-- table is always locked before the month table, so concurrent statements cannot deadlock.
CREATE OR REPLACE FUNCTION account_daily_rollup_add(account_ids bigint[], dates date[], categories text[], statuses text[], signs int[], amounts numeric[])
RETURNS void LANGUAGE sql AS $$
  INSERT INTO account_daily_rollup AS r (account_id, date, category, status, transactions, spend, income, spend_transactions)
  SELECT account_id, date, category, status,
         sum(sign), sum(sign * greatest(-amount, 0)), sum(sign * greatest(amount, 0)), sum(sign * (amount < 0)::int)
    FROM unnest(account_ids, dates, categories, statuses, signs, amounts) AS d (account_id, date, category, status, sign, amount)
   GROUP BY account_id, date, category, status
  -- A statement that changed nothing the rollup counts (a lease, an error text) leaves it alone.
  HAVING sum(sign) <> 0 OR sum(sign * amount) <> 0
   ORDER BY account_id, date, category, status
  ON CONFLICT (account_id, date, category, status) DO UPDATE
     SET transactions = r.transactions + excluded.transactions,
         spend = r.spend + excluded.spend,
         income = r.income + excluded.income,
         spend_transactions = r.spend_transactions + excluded.spend_transactions;

  INSERT INTO account_monthly_rollup AS r (account_id, month, category, status, transactions, spend, income, spend_transactions)
  SELECT account_id, date_trunc('month', date)::date, category, status,
         sum(sign), sum(sign * greatest(-amount, 0)), sum(sign * greatest(amount, 0)), sum(sign * (amount < 0)::int)
    FROM unnest(account_ids, dates, categories, statuses, signs, amounts) AS d (account_id, date, category, status, sign, amount)
   GROUP BY account_id, date_trunc('month', date)::date, category, status
  HAVING sum(sign) <> 0 OR sum(sign * amount) <> 0
   ORDER BY 1, 2, 3, 4
  ON CONFLICT (account_id, month, category, status) DO UPDATE
     SET transactions = r.transactions + excluded.transactions,
         spend = r.spend + excluded.spend,
         income = r.income + excluded.income,
         spend_transactions = r.spend_transactions + excluded.spend_transactions;
$$;

INSERT INTO account_monthly_rollup (account_id, month, category, status, transactions, spend, income, spend_transactions)
SELECT account_id, date_trunc('month', date)::date, category, status, sum(transactions), sum(spend), sum(income), sum(spend_transactions)
  FROM account_daily_rollup
 GROUP BY 1, 2, 3, 4;
