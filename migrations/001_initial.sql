-- Lucro schema: integrations push batches of account transactions; workers enrich them.

CREATE TABLE integrations (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  integration_id  bigint NOT NULL REFERENCES integrations (id),
  -- SHA-256 of the key; the key itself is shown once and never stored.
  key_hash        bytea NOT NULL UNIQUE,
  -- The key's first characters, so an operator can tell keys apart without seeing one.
  key_prefix      text NOT NULL,
  scopes          text[] NOT NULL CHECK (scopes <@ ARRAY['ingest', 'reports']::text[]),
  created_at      timestamptz NOT NULL DEFAULT now(),
  revoked_at      timestamptz
);

CREATE TABLE accounts (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  integration_id  bigint NOT NULL REFERENCES integrations (id),
  external_id     text NOT NULL,
  currency        char(3) NOT NULL,
  name            text,
  institution     text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  -- Account ids are namespaced per integration: two integrations may each own an ACC-001.
  UNIQUE (integration_id, external_id)
);

CREATE TABLE batches (
  id              uuid PRIMARY KEY,
  integration_id  bigint NOT NULL REFERENCES integrations (id),
  account_id      bigint NOT NULL REFERENCES accounts (id),
  received        integer NOT NULL CHECK (received >= 0),
  accepted        integer NOT NULL CHECK (accepted >= 0),
  duplicates      integer NOT NULL CHECK (duplicates >= 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  completed_at    timestamptz
);

CREATE TABLE transactions (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id           bigint NOT NULL REFERENCES accounts (id),
  batch_id             uuid NOT NULL REFERENCES batches (id),
  transaction_id       text NOT NULL,
  date                 date NOT NULL,
  amount               numeric NOT NULL CHECK (abs(amount) < 1e13),
  currency             char(3) NOT NULL,
  merchant_name        text,
  description          text,
  -- The transaction exactly as the integration sent it, unknown fields included.
  raw                  jsonb NOT NULL,
  category             text,
  category_confidence  real CHECK (category_confidence BETWEEN 0 AND 1),
  category_source      text,
  status               text NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
  attempts             integer NOT NULL DEFAULT 0,
  -- A claim is a token and a lease: only the holder of the token may write the result,
  -- and a lease that runs out lets another worker reclaim the row.
  claim_token          uuid,
  lease_expires_at     timestamptz,
  -- Times the enrichment result was committed; the claim token guard keeps it at most 1.
  enrichment_commits   integer NOT NULL DEFAULT 0,
  error                text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  completed_at         timestamptz
);

-- Idempotency by transaction id: one row per (account, transaction_id); also serves duplicate lookups.
CREATE UNIQUE INDEX transactions_account_transaction_id ON transactions (account_id, transaction_id);
-- Reports: an index-only scan over an account's date range, with everything the summary sums.
CREATE INDEX transactions_account_date ON transactions (account_id, date) INCLUDE (amount, category, status);
-- Worker claims: only pending rows are indexed, so a claim never walks past completed ones.
CREATE INDEX transactions_pending ON transactions (batch_id, id) WHERE status = 'pending';
-- Scheduler: finds expired leases without scanning finished rows.
CREATE INDEX transactions_processing_lease ON transactions (lease_expires_at) WHERE status = 'processing';
-- Batch status counts and paging through a batch's transactions in order.
CREATE INDEX transactions_batch ON transactions (batch_id, id) INCLUDE (status);
-- Batches still being worked, for the scheduler's completion sweep.
CREATE INDEX batches_open ON batches (created_at) WHERE completed_at IS NULL;

CREATE TABLE idempotency_keys (
  integration_id  bigint NOT NULL REFERENCES integrations (id),
  key             text NOT NULL,
  -- SHA-256 of the canonical JSON of the request body: same key with another body is refused.
  request_hash    bytea NOT NULL,
  response_status integer NOT NULL,
  response_body   jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  PRIMARY KEY (integration_id, key)
);
-- Sweeping expired keys.
CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at);
