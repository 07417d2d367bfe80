-- Per-day rollup of each account's transactions, kept exactly equal to the rows it summarizes.
--
-- An account summary over a year of a busy account would otherwise aggregate hundreds of
-- thousands of rows on every request. Statement-level triggers with transition tables update the
-- rollup in the same transaction as the rows, set-based (one upsert per statement, not per row),
-- so it is never ahead of or behind what a reader of the rows would see.

CREATE TABLE account_daily_rollup (
  account_id          bigint NOT NULL REFERENCES accounts (id),
  date                date NOT NULL,
  -- '' stands for "no category yet": a primary key cannot hold NULL.
  category            text NOT NULL,
  status              text NOT NULL,
  transactions        bigint NOT NULL,
  -- Magnitude of the negative amounts; positive amounts; how many amounts were negative.
  spend               numeric NOT NULL,
  income              numeric NOT NULL,
  spend_transactions  bigint NOT NULL,
  -- Summaries read one account's date range; the key orders the rows that way.
  PRIMARY KEY (account_id, date, category, status)
);

-- Adds signed row deltas to the rollup. Keys are upserted in key order, so concurrent statements
-- lock rollup rows in one order and cannot deadlock each other.
CREATE FUNCTION account_daily_rollup_add(account_ids bigint[], dates date[], categories text[], statuses text[], signs int[], amounts numeric[])
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
$$;

-- Rows leave their old key (-1) and join their new one (+1). Transition tables exist only for
-- the event that fired, so each event reads just the ones it has.
CREATE FUNCTION account_daily_rollup_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM account_daily_rollup_add(array_agg(account_id), array_agg(date), array_agg(coalesce(category, '')),
                                     array_agg(status), array_agg(1), array_agg(amount))
       FROM new_rows;
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM account_daily_rollup_add(array_agg(account_id), array_agg(date), array_agg(category), array_agg(status),
                                     array_agg(sign), array_agg(amount))
       FROM (SELECT account_id, date, coalesce(category, '') AS category, status, -1 AS sign, amount FROM old_rows
             UNION ALL
             SELECT account_id, date, coalesce(category, ''), status, 1, amount FROM new_rows) changed;
  ELSE
    PERFORM account_daily_rollup_add(array_agg(account_id), array_agg(date), array_agg(coalesce(category, '')),
                                     array_agg(status), array_agg(-1), array_agg(amount))
       FROM old_rows;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER transactions_rollup_insert AFTER INSERT ON transactions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION account_daily_rollup_track();
CREATE TRIGGER transactions_rollup_update AFTER UPDATE ON transactions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION account_daily_rollup_track();
CREATE TRIGGER transactions_rollup_delete AFTER DELETE ON transactions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION account_daily_rollup_track();

-- Rows stored before this migration.
INSERT INTO account_daily_rollup (account_id, date, category, status, transactions, spend, income, spend_transactions)
SELECT account_id, date, coalesce(category, ''), status, count(*),
       coalesce(sum(-amount) FILTER (WHERE amount < 0), 0), coalesce(sum(amount) FILTER (WHERE amount > 0), 0),
       count(*) FILTER (WHERE amount < 0)
  FROM transactions
 GROUP BY account_id, date, coalesce(category, ''), status;
