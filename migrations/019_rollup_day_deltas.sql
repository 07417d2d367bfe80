-- The rollup trigger adds day totals, not row deltas (issue 10: the bare claim loop with the rollup
-- triggers at 0.70-0.78x of the same loop without them, target 0.8x).
--
-- A write of 1,000 enriched rows cost 29 ms with the trigger against 15 ms without it (pgbench, a
-- rolled-back UPDATE of one batch, bench/README.md "rollup"). Most of the difference was not the
-- upserts but how their input was built: every changed row was paired with its old version by a
-- join and turned into two entries (old key -1, new key +1), and those 2,000 entries were
-- aggregated twice, once per rollup. Now:
--
-- * the moved rows are not paired: the old versions count -1 and the new ones +1, and summed per
--   day key the rows whose counted attributes did not change cancel out (a key whose every total
--   nets to zero is dropped), so the result is the same, exactly;
-- * they are summed once, per (account, day, category, status, pending), and the daily and monthly
--   rollups are both added from those day totals (a batch spread over a year is ~365 keys, not 2,000
--   entries);
-- * an UPDATE that changed nothing the rollups count (a claim, a reclaim, a lease, an error text)
--   still ends after one comparison of the old and new rows, before anything is summed.
--
-- The same write now costs 24-25 ms. Both rollups stay equal to the rows (test/rollup.test.ts).

DROP FUNCTION account_rollup_add(bigint[], date[], text[], text[], boolean[], int[], numeric[]);

-- Adds day totals to both rollups; `statuses` are the monthly rollup's (unfinished, completed,
-- failed) and the daily rollup takes the finished ones. Each day key comes at most once. Keys are
-- upserted in key order and the day table before the month table, so concurrent statements cannot
-- deadlock. A month key is skipped only when every total nets to zero: rows -5 and +10 leaving a key
-- while +5 and 0 join it change spend and income although count and net stay the same.
-- PL/pgSQL, not SQL: its two statements are planned once per connection, not on every call.
CREATE FUNCTION account_rollup_add_days(account_ids bigint[], dates date[], categories text[], statuses text[], pendings boolean[],
                                        counts bigint[], spends numeric[], incomes numeric[], spend_counts bigint[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO account_daily_rollup AS r (account_id, date, category, status, pending, transactions, spend, income, spend_transactions)
  SELECT d.account_id, d.date, d.category, d.status, d.pending, d.transactions, d.spend, d.income, d.spend_transactions
    FROM unnest(account_ids, dates, categories, statuses, pendings, counts, spends, incomes, spend_counts)
         AS d (account_id, date, category, status, pending, transactions, spend, income, spend_transactions)
   WHERE d.status <> 'unfinished'
   ORDER BY d.account_id, d.date, d.category, d.status, d.pending
  ON CONFLICT (account_id, date, category, status, pending) DO UPDATE
     SET transactions = r.transactions + excluded.transactions,
         spend = r.spend + excluded.spend,
         income = r.income + excluded.income,
         spend_transactions = r.spend_transactions + excluded.spend_transactions;

  INSERT INTO account_monthly_rollup AS r (account_id, month, category, status, pending, transactions, spend, income, spend_transactions)
  SELECT d.account_id, date_trunc('month', d.date)::date, d.category, d.status, d.pending,
         sum(d.transactions), sum(d.spend), sum(d.income), sum(d.spend_transactions)
    FROM unnest(account_ids, dates, categories, statuses, pendings, counts, spends, incomes, spend_counts)
         AS d (account_id, date, category, status, pending, transactions, spend, income, spend_transactions)
   GROUP BY d.account_id, date_trunc('month', d.date)::date, d.category, d.status, d.pending
  HAVING sum(d.transactions) <> 0 OR sum(d.spend) <> 0 OR sum(d.income) <> 0 OR sum(d.spend_transactions) <> 0
   ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (account_id, month, category, status, pending) DO UPDATE
     SET transactions = r.transactions + excluded.transactions,
         spend = r.spend + excluded.spend,
         income = r.income + excluded.income,
         spend_transactions = r.spend_transactions + excluded.spend_transactions;
END;
$$;

-- Rows leave their old key (-1) and join their new one (+1); a removed row is in no key. Each
-- branch sums what its statement moved per day key, keeping the keys whose totals do not all net to
-- zero, and hands them to account_rollup_add_days.
CREATE OR REPLACE FUNCTION account_rollup_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  direction int := CASE TG_OP WHEN 'DELETE' THEN -1 ELSE 1 END;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF (SELECT count(*) FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE (o.account_id, o.date, coalesce(o.category, ''), account_rollup_status(o.status), o.pending, o.amount, o.removed_at IS NULL)
               IS DISTINCT FROM
               (n.account_id, n.date, coalesce(n.category, ''), account_rollup_status(n.status), n.pending, n.amount, n.removed_at IS NULL)) = 0 THEN
      RETURN NULL;
    END IF;
    PERFORM account_rollup_add_days(array_agg(account_id), array_agg(date), array_agg(category), array_agg(status), array_agg(pending),
                                    array_agg(transactions), array_agg(spend), array_agg(income), array_agg(spend_transactions))
       FROM (SELECT account_id, date, category, status, pending, sum(sign) AS transactions, sum(sign * greatest(-amount, 0)) AS spend,
                    sum(sign * greatest(amount, 0)) AS income, sum(sign * (amount < 0)::int) AS spend_transactions
               FROM (SELECT account_id, date, coalesce(category, '') AS category, account_rollup_status(status) AS status, pending, amount, -1 AS sign
                       FROM old_rows WHERE removed_at IS NULL
                     UNION ALL
                     SELECT account_id, date, coalesce(category, ''), account_rollup_status(status), pending, amount, 1
                       FROM new_rows WHERE removed_at IS NULL) AS moved
              GROUP BY account_id, date, category, status, pending
             HAVING sum(sign) <> 0 OR sum(sign * greatest(-amount, 0)) <> 0 OR sum(sign * greatest(amount, 0)) <> 0
                 OR sum(sign * (amount < 0)::int) <> 0) AS days
     HAVING count(*) > 0;
  ELSE
    -- An INSERT's new rows join their keys, a DELETE's old rows leave them: both triggers name their
    -- transition table moved_rows.
    PERFORM account_rollup_add_days(array_agg(account_id), array_agg(date), array_agg(category), array_agg(status), array_agg(pending),
                                    array_agg(direction * transactions), array_agg(direction * spend), array_agg(direction * income),
                                    array_agg(direction * spend_transactions))
       FROM (SELECT account_id, date, coalesce(category, '') AS category, account_rollup_status(status) AS status, pending,
                    count(*) AS transactions, sum(greatest(-amount, 0)) AS spend, sum(greatest(amount, 0)) AS income,
                    count(*) FILTER (WHERE amount < 0) AS spend_transactions
               FROM moved_rows WHERE removed_at IS NULL
              GROUP BY 1, 2, 3, 4, 5) AS days
     HAVING count(*) > 0;
  END IF;
  RETURN NULL;
END;
$$;

DROP TRIGGER transactions_rollup_insert ON transactions;
DROP TRIGGER transactions_rollup_delete ON transactions;
CREATE TRIGGER transactions_rollup_insert AFTER INSERT ON transactions
  REFERENCING NEW TABLE AS moved_rows FOR EACH STATEMENT EXECUTE FUNCTION account_rollup_track();
CREATE TRIGGER transactions_rollup_delete AFTER DELETE ON transactions
  REFERENCING OLD TABLE AS moved_rows FOR EACH STATEMENT EXECUTE FUNCTION account_rollup_track();
