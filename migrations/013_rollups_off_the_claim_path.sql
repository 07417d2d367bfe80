-- The rollups off the claim path (issue 10). A claim (pending → processing) moved every claimed row
-- between two status counters in both rollups, and a write (processing → completed) moved it again:
-- the bare claim loop ran at 0.6× of the same loop without triggers. Now:
--
-- * the monthly rollup counts `unfinished` (pending and processing together), `completed` and
--   `failed`, so a claim, a reclaim and a released claim change none of its keys;
-- * the daily rollup counts finished rows only (`completed`, `failed`): it serves the days at the
--   edges of a range, whose unfinished rows are read from the transactions themselves through the
--   small partial index below (rows waiting for or in enrichment are few);
-- * the split of `unfinished` into pending and processing is made at read time from that index
--   (src/reports/report.repository.ts);
-- * the trigger leaves both rollups alone, without building or upserting anything, when a statement
--   changed nothing they count.
--
-- Summaries and monthly reports stay exact in every figure: test/rollup.test.ts holds both rollups
-- equal to the rows, and the summaries equal to the plain aggregate, after every kind of step.

-- Rows waiting for or in enrichment, by account, status and day: the status split of whole months
-- reads only an account's `processing` rows, and edge days read only their unfinished rows.
CREATE INDEX transactions_unfinished ON transactions (account_id, status, date)
  WHERE status IN ('pending', 'processing') AND removed_at IS NULL;

-- The rollups are rebuilt from what they hold now (they equal the rows), into pages filled to 70%:
-- an upsert that adds to a key rewrites its row on the same page (a HOT update, no index entry).
-- Their foreign keys go: a rollup row is written only by the trigger, from a transaction row whose
-- own foreign key already holds the account, and the check ran on every new key of the hot path.
-- Plain tables, dropped below: the migrating role may not be allowed temporary tables (deploy/sql).
CREATE TABLE rollup_rebuild_daily AS
  SELECT account_id, date, category, status, pending,
         sum(transactions) AS transactions, sum(spend) AS spend, sum(income) AS income, sum(spend_transactions) AS spend_transactions
    FROM account_daily_rollup
   WHERE status IN ('completed', 'failed')
   GROUP BY 1, 2, 3, 4, 5
  HAVING NOT (sum(transactions) = 0 AND sum(spend) = 0 AND sum(income) = 0 AND sum(spend_transactions) = 0);
CREATE TABLE rollup_rebuild_monthly AS
  SELECT account_id, month, category, CASE WHEN status IN ('pending', 'processing') THEN 'unfinished' ELSE status END AS status, pending,
         sum(transactions) AS transactions, sum(spend) AS spend, sum(income) AS income, sum(spend_transactions) AS spend_transactions
    FROM account_monthly_rollup
   GROUP BY 1, 2, 3, 4, 5
  HAVING NOT (sum(transactions) = 0 AND sum(spend) = 0 AND sum(income) = 0 AND sum(spend_transactions) = 0);

TRUNCATE account_daily_rollup, account_monthly_rollup;
ALTER TABLE account_daily_rollup
  DROP CONSTRAINT account_daily_rollup_account_id_fkey,
  ADD CONSTRAINT account_daily_rollup_status_check CHECK (status IN ('completed', 'failed')),
  SET (fillfactor = 70);
ALTER TABLE account_monthly_rollup
  DROP CONSTRAINT account_monthly_rollup_account_id_fkey,
  ADD CONSTRAINT account_monthly_rollup_status_check CHECK (status IN ('unfinished', 'completed', 'failed')),
  SET (fillfactor = 70);
INSERT INTO account_daily_rollup (account_id, date, category, status, pending, transactions, spend, income, spend_transactions)
  SELECT * FROM rollup_rebuild_daily ORDER BY 1, 2, 3, 4, 5;
INSERT INTO account_monthly_rollup (account_id, month, category, status, pending, transactions, spend, income, spend_transactions)
  SELECT * FROM rollup_rebuild_monthly ORDER BY 1, 2, 3, 4, 5;
DROP TABLE rollup_rebuild_daily, rollup_rebuild_monthly;

DROP TRIGGER transactions_rollup_insert ON transactions;
DROP TRIGGER transactions_rollup_update ON transactions;
DROP TRIGGER transactions_rollup_delete ON transactions;
DROP FUNCTION account_daily_rollup_track();
DROP FUNCTION account_rollup_add(bigint[], date[], text[], text[], boolean[], int[], numeric[]);

-- Adds signed row deltas to both rollups; `statuses` are already the monthly rollup's
-- (unfinished, completed, failed), and the daily rollup takes the finished ones. Keys are upserted in
-- key order and the day table is locked before the month table, so concurrent statements cannot
-- deadlock. A key is skipped only when every aggregate's delta is zero: rows -5 and +10 leaving a
-- key while +5 and 0 join it change spend and income although count and net stay the same.
-- PL/pgSQL, not SQL: its two statements are planned once per connection, not on every call.
CREATE FUNCTION account_rollup_add(account_ids bigint[], dates date[], categories text[], statuses text[], pendings boolean[], signs int[], amounts numeric[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO account_daily_rollup AS r (account_id, date, category, status, pending, transactions, spend, income, spend_transactions)
  SELECT d.account_id, d.date, d.category, d.status, d.pending,
         sum(d.sign), sum(d.sign * greatest(-d.amount, 0)), sum(d.sign * greatest(d.amount, 0)), sum(d.sign * (d.amount < 0)::int)
    FROM unnest(account_ids, dates, categories, statuses, pendings, signs, amounts) AS d (account_id, date, category, status, pending, sign, amount)
   WHERE d.status <> 'unfinished'
   GROUP BY d.account_id, d.date, d.category, d.status, d.pending
  HAVING sum(d.sign) <> 0 OR sum(d.sign * greatest(-d.amount, 0)) <> 0 OR sum(d.sign * greatest(d.amount, 0)) <> 0
      OR sum(d.sign * (d.amount < 0)::int) <> 0
   ORDER BY d.account_id, d.date, d.category, d.status, d.pending
  ON CONFLICT (account_id, date, category, status, pending) DO UPDATE
     SET transactions = r.transactions + excluded.transactions,
         spend = r.spend + excluded.spend,
         income = r.income + excluded.income,
         spend_transactions = r.spend_transactions + excluded.spend_transactions;

  INSERT INTO account_monthly_rollup AS r (account_id, month, category, status, pending, transactions, spend, income, spend_transactions)
  SELECT d.account_id, date_trunc('month', d.date)::date, d.category, d.status, d.pending,
         sum(d.sign), sum(d.sign * greatest(-d.amount, 0)), sum(d.sign * greatest(d.amount, 0)), sum(d.sign * (d.amount < 0)::int)
    FROM unnest(account_ids, dates, categories, statuses, pendings, signs, amounts) AS d (account_id, date, category, status, pending, sign, amount)
   GROUP BY d.account_id, date_trunc('month', d.date)::date, d.category, d.status, d.pending
  HAVING sum(d.sign) <> 0 OR sum(d.sign * greatest(-d.amount, 0)) <> 0 OR sum(d.sign * greatest(d.amount, 0)) <> 0
      OR sum(d.sign * (d.amount < 0)::int) <> 0
   ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (account_id, month, category, status, pending) DO UPDATE
     SET transactions = r.transactions + excluded.transactions,
         spend = r.spend + excluded.spend,
         income = r.income + excluded.income,
         spend_transactions = r.spend_transactions + excluded.spend_transactions;
END;
$$;

-- What the rollups count of a row, as a key: removed rows count nowhere (NULL).
CREATE FUNCTION account_rollup_status(status text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN status IN ('pending', 'processing') THEN 'unfinished' ELSE status END
$$;

-- Rows leave their old key (-1) and join their new one (+1); a removed row is in no key. An update
-- adds only the rows whose counted attributes changed, and a statement that changed none of them
-- (a claim, a reclaim, a lease, an error text) ends here with nothing built or upserted.
CREATE FUNCTION account_rollup_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM account_rollup_add(array_agg(account_id), array_agg(date), array_agg(coalesce(category, '')),
                               array_agg(account_rollup_status(status)), array_agg(pending), array_agg(1), array_agg(amount))
       FROM new_rows WHERE removed_at IS NULL
     HAVING count(*) > 0;
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM account_rollup_add(array_agg(c.account_id), array_agg(c.date), array_agg(c.category), array_agg(c.status),
                               array_agg(c.pending), array_agg(c.sign), array_agg(c.amount))
       FROM old_rows o
       JOIN new_rows n ON n.id = o.id
      CROSS JOIN LATERAL (VALUES
              (o.account_id, o.date, coalesce(o.category, ''), account_rollup_status(o.status), o.pending, o.amount, -1, o.removed_at IS NULL),
              (n.account_id, n.date, coalesce(n.category, ''), account_rollup_status(n.status), n.pending, n.amount, 1, n.removed_at IS NULL)
            ) AS c (account_id, date, category, status, pending, amount, sign, counted)
      WHERE c.counted
        AND (o.account_id, o.date, coalesce(o.category, ''), account_rollup_status(o.status), o.pending, o.amount, o.removed_at IS NULL)
            IS DISTINCT FROM
            (n.account_id, n.date, coalesce(n.category, ''), account_rollup_status(n.status), n.pending, n.amount, n.removed_at IS NULL)
     HAVING count(*) > 0;
  ELSE
    PERFORM account_rollup_add(array_agg(account_id), array_agg(date), array_agg(coalesce(category, '')),
                               array_agg(account_rollup_status(status)), array_agg(pending), array_agg(-1), array_agg(amount))
       FROM old_rows WHERE removed_at IS NULL
     HAVING count(*) > 0;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER transactions_rollup_insert AFTER INSERT ON transactions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION account_rollup_track();
CREATE TRIGGER transactions_rollup_update AFTER UPDATE ON transactions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION account_rollup_track();
CREATE TRIGGER transactions_rollup_delete AFTER DELETE ON transactions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION account_rollup_track();
