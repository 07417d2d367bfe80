-- Contract §10–§12: bank-pending transactions that post, change or disappear; corrections that lock
-- a category; and a change feed recorded in the same database transaction as each change.

ALTER TABLE transactions
  -- The bank reported it as not yet settled; such a row may still change (§10).
  ADD COLUMN pending                boolean NOT NULL DEFAULT false,
  -- On a posted row: the pending transaction of the same account that it replaces.
  ADD COLUMN pending_transaction_id text,
  -- A removed row stays readable but counts nowhere and is never enriched again.
  ADD COLUMN removed_at             timestamptz,
  ADD COLUMN replaced_by            text,
  -- A person chose the category (§11); enrichment never changes it.
  ADD COLUMN category_locked        boolean NOT NULL DEFAULT false,
  ADD COLUMN categorizer_version    text;

ALTER TABLE batches ADD COLUMN modified integer NOT NULL DEFAULT 0 CHECK (modified >= 0);

-- A pending transaction that arrives after the posted one naming it is found by this.
CREATE INDEX transactions_pending_transaction_id ON transactions (account_id, pending_transaction_id)
  WHERE pending_transaction_id IS NOT NULL;

-- Claims skip removed rows; so does the index they walk.
DROP INDEX transactions_pending;
CREATE INDEX transactions_pending ON transactions (batch_id, id) WHERE status = 'pending' AND removed_at IS NULL;

-- Summaries read the rollups now; the covering index's INCLUDE columns only cost every claim and
-- write. Account pages read newest date first, then by transaction id.
DROP INDEX transactions_account_date;
CREATE INDEX transactions_account_date ON transactions (account_id, date DESC, transaction_id);

-- Rollups: a bank-pending dimension joins the key, so summaries can leave pending rows out, and
-- removed rows leave the rollups altogether.
ALTER TABLE account_daily_rollup ADD COLUMN pending boolean NOT NULL DEFAULT false;
ALTER TABLE account_daily_rollup DROP CONSTRAINT account_daily_rollup_pkey;
ALTER TABLE account_daily_rollup ADD PRIMARY KEY (account_id, date, category, status, pending);
ALTER TABLE account_monthly_rollup ADD COLUMN pending boolean NOT NULL DEFAULT false;
ALTER TABLE account_monthly_rollup DROP CONSTRAINT account_monthly_rollup_pkey;
ALTER TABLE account_monthly_rollup ADD PRIMARY KEY (account_id, month, category, status, pending);

DROP FUNCTION account_daily_rollup_add(bigint[], date[], text[], text[], int[], numeric[]);

-- Adds signed row deltas to both rollups. Keys are upserted in key order and the day table is locked
-- before the month table, so concurrent statements cannot deadlock. A key is skipped only when every
-- aggregate's delta is zero: rows -5 and +10 leaving a key while +5 and 0 join it change spend and
-- income although count and net stay the same.
CREATE FUNCTION account_rollup_add(account_ids bigint[], dates date[], categories text[], statuses text[], pendings boolean[], signs int[], amounts numeric[])
RETURNS void LANGUAGE sql AS $$
  INSERT INTO account_daily_rollup AS r (account_id, date, category, status, pending, transactions, spend, income, spend_transactions)
  SELECT account_id, date, category, status, pending,
         sum(sign), sum(sign * greatest(-amount, 0)), sum(sign * greatest(amount, 0)), sum(sign * (amount < 0)::int)
    FROM unnest(account_ids, dates, categories, statuses, pendings, signs, amounts) AS d (account_id, date, category, status, pending, sign, amount)
   GROUP BY account_id, date, category, status, pending
  HAVING sum(sign) <> 0 OR sum(sign * greatest(-amount, 0)) <> 0 OR sum(sign * greatest(amount, 0)) <> 0 OR sum(sign * (amount < 0)::int) <> 0
   ORDER BY account_id, date, category, status, pending
  ON CONFLICT (account_id, date, category, status, pending) DO UPDATE
     SET transactions = r.transactions + excluded.transactions,
         spend = r.spend + excluded.spend,
         income = r.income + excluded.income,
         spend_transactions = r.spend_transactions + excluded.spend_transactions;

  INSERT INTO account_monthly_rollup AS r (account_id, month, category, status, pending, transactions, spend, income, spend_transactions)
  SELECT account_id, date_trunc('month', date)::date, category, status, pending,
         sum(sign), sum(sign * greatest(-amount, 0)), sum(sign * greatest(amount, 0)), sum(sign * (amount < 0)::int)
    FROM unnest(account_ids, dates, categories, statuses, pendings, signs, amounts) AS d (account_id, date, category, status, pending, sign, amount)
   GROUP BY account_id, date_trunc('month', date)::date, category, status, pending
  HAVING sum(sign) <> 0 OR sum(sign * greatest(-amount, 0)) <> 0 OR sum(sign * greatest(amount, 0)) <> 0 OR sum(sign * (amount < 0)::int) <> 0
   ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (account_id, month, category, status, pending) DO UPDATE
     SET transactions = r.transactions + excluded.transactions,
         spend = r.spend + excluded.spend,
         income = r.income + excluded.income,
         spend_transactions = r.spend_transactions + excluded.spend_transactions;
$$;

-- Rows leave their old key (-1) and join their new one (+1); a removed row is in no key.
CREATE OR REPLACE FUNCTION account_daily_rollup_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM account_rollup_add(array_agg(account_id), array_agg(date), array_agg(coalesce(category, '')),
                               array_agg(status), array_agg(pending), array_agg(1), array_agg(amount))
       FROM new_rows WHERE removed_at IS NULL;
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM account_rollup_add(array_agg(account_id), array_agg(date), array_agg(category), array_agg(status),
                               array_agg(pending), array_agg(sign), array_agg(amount))
       FROM (SELECT account_id, date, coalesce(category, '') AS category, status, pending, -1 AS sign, amount
               FROM old_rows WHERE removed_at IS NULL
             UNION ALL
             SELECT account_id, date, coalesce(category, ''), status, pending, 1, amount
               FROM new_rows WHERE removed_at IS NULL) changed;
  ELSE
    PERFORM account_rollup_add(array_agg(account_id), array_agg(date), array_agg(coalesce(category, '')),
                               array_agg(status), array_agg(pending), array_agg(-1), array_agg(amount))
       FROM old_rows WHERE removed_at IS NULL;
  END IF;
  RETURN NULL;
END;
$$;

-- The change feed's outbox (§12). A change is inserted in the same transaction as what it records,
-- after that statement has locked the transaction's row, so two changes of one transaction get ids
-- in their commit order. `seq` is the feed position, handed out later in commit order by the
-- sequencer (src/changes/change.repository.ts explains why a reader can never skip a change).
CREATE TABLE changes (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  seq             bigint UNIQUE,
  integration_id  bigint NOT NULL REFERENCES integrations (id),
  account_id      bigint NOT NULL REFERENCES accounts (id),
  transaction_pk  bigint NOT NULL REFERENCES transactions (id) ON DELETE CASCADE,
  type            text NOT NULL CHECK (type IN ('transaction.added', 'transaction.modified', 'transaction.enriched',
                                                'transaction.corrected', 'transaction.removed')),
  occurred_at     timestamptz NOT NULL DEFAULT now()
);
-- The sequencer's queue: only changes not yet given a position.
CREATE INDEX changes_unsequenced ON changes (id) WHERE seq IS NULL;
-- A consumer's page: its integration's changes after its cursor.
CREATE INDEX changes_feed ON changes (integration_id, seq) WHERE seq IS NOT NULL;
-- Retention purge.
CREATE INDEX changes_occurred_at ON changes (occurred_at);
-- The last position handed out; one row, locked by each sequencer pass.
CREATE TABLE change_sequencer (
  only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  last_seq  bigint NOT NULL
);
INSERT INTO change_sequencer (last_seq) VALUES (0);
