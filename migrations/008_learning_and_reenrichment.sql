-- Contract §11: corrections that teach the integration's own categorizer, and re-enrichment.

-- The correction standing on each transaction a person categorized, with the merchant key and
-- model features it taught, so unlocking or correcting again takes exactly that lesson back.
CREATE TABLE corrections (
  transaction_pk  bigint PRIMARY KEY REFERENCES transactions (id),
  integration_id  bigint NOT NULL REFERENCES integrations (id),
  merchant_key    text NOT NULL,
  category        text NOT NULL,
  features        text[] NOT NULL,
  corrected_at    timestamptz NOT NULL DEFAULT now()
);

-- Merchant memory: per integration and merchant key, how many standing corrections name each
-- category, and when the latest did (ties go to the newest).
CREATE TABLE learned_merchants (
  integration_id     bigint NOT NULL REFERENCES integrations (id),
  merchant_key       text NOT NULL,
  category           text NOT NULL,
  votes              integer NOT NULL,
  last_corrected_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (integration_id, merchant_key, category)
);

-- The learned model's state: naive Bayes counts per feature and category ('#docs' counts the
-- corrections). Incremental: a correction adds one to each of its features, set-based.
CREATE TABLE learned_features (
  integration_id  bigint NOT NULL REFERENCES integrations (id),
  feature         text NOT NULL,
  category        text NOT NULL,
  count           integer NOT NULL,
  PRIMARY KEY (integration_id, feature, category)
);

-- Bumped by every correction, in its transaction: workers poll this one cheap row and reload the
-- learned state only when it moved, never per transaction. Its row lock also serialises one
-- integration's corrections, so their count upserts cannot deadlock.
CREATE TABLE learning_versions (
  integration_id  bigint PRIMARY KEY REFERENCES integrations (id),
  version         bigint NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- A re-enrichment: its rows are sent back to `pending` tagged with its id, and its counts are
-- those rows counted by status (like a batch's).
CREATE TABLE reenrichments (
  id              uuid PRIMARY KEY,
  integration_id  bigint NOT NULL REFERENCES integrations (id),
  account_id      bigint NOT NULL REFERENCES accounts (id),
  -- {"start_date", "end_date", "only_uncategorized"} as asked.
  filters         jsonb NOT NULL,
  transactions    integer NOT NULL CHECK (transactions >= 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  completed_at    timestamptz
);
CREATE INDEX reenrichments_open ON reenrichments (created_at) WHERE completed_at IS NULL;

ALTER TABLE transactions ADD COLUMN reenrichment_id uuid;
-- A re-enrichment's counts, and its job's claims (only its rows still to do).
CREATE INDEX transactions_reenrichment ON transactions (reenrichment_id) INCLUDE (status) WHERE reenrichment_id IS NOT NULL;
CREATE INDEX transactions_reenrichment_pending ON transactions (reenrichment_id, id)
  WHERE status = 'pending' AND removed_at IS NULL AND reenrichment_id IS NOT NULL;
