-- Webhooks (contract §13): endpoints, their signing secrets, an outbox of events written in the same
-- transaction as their cause, and one delivery per (event, endpoint) that workers claim like rows.

CREATE TABLE webhook_endpoints (
  -- Public id, `we_…`.
  id              text PRIMARY KEY,
  integration_id  bigint NOT NULL REFERENCES integrations (id),
  url             text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
  -- Event types, or '*' for all.
  events          text[] NOT NULL CHECK (cardinality(events) > 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  -- Deleting keeps the row (deliveries refer to it) but nothing is sent to it any more.
  deleted_at      timestamptz
);
CREATE INDEX webhook_endpoints_integration ON webhook_endpoints (integration_id, created_at) WHERE deleted_at IS NULL;

CREATE TABLE webhook_secrets (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  endpoint_id  text NOT NULL REFERENCES webhook_endpoints (id),
  -- AES-256-GCM under WEBHOOK_SECRET_KEY: nonce (12 bytes) | tag (16 bytes) | ciphertext. The
  -- endpoint id is the associated data, so a sealed secret cannot be moved to another endpoint.
  sealed       bytea NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  -- NULL while current; a rotation sets it, and the secret keeps signing until then.
  expires_at   timestamptz
);
CREATE INDEX webhook_secrets_endpoint ON webhook_secrets (endpoint_id);

CREATE TABLE webhook_events (
  id              text PRIMARY KEY DEFAULT 'evt_' || replace(gen_random_uuid()::text, '-', ''),
  integration_id  bigint NOT NULL REFERENCES integrations (id),
  type            text NOT NULL CHECK (type IN ('batch.completed', 'transactions.changed', 'reenrichment.completed')),
  -- json, not jsonb: the payload is sent with its members in the order they were written.
  data            json NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
  -- Order of creation, for paging; the public id is `id`.
  seq                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id                    text NOT NULL UNIQUE DEFAULT 'whd_' || replace(gen_random_uuid()::text, '-', ''),
  event_id              text NOT NULL REFERENCES webhook_events (id),
  endpoint_id           text NOT NULL REFERENCES webhook_endpoints (id),
  status                text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  -- Attempts started, counted at the claim: one cut short by a dead worker counts too.
  attempts              integer NOT NULL DEFAULT 0,
  last_response_status  integer,
  last_error            text,
  next_attempt_at       timestamptz DEFAULT now(),
  -- A claim is a token and a lease, as for transactions: a worker that dies mid-delivery leaves a
  -- lease that runs out, and the delivery is sent again with the same event id.
  claim_token           uuid,
  lease_expires_at      timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  delivered_at          timestamptz,
  UNIQUE (event_id, endpoint_id)
);
-- Claims: an endpoint's due deliveries in the order they are sent, without walking finished ones.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (endpoint_id, next_attempt_at, seq) WHERE status = 'pending';
-- Claims: an endpoint's deliveries in flight (leased), counted against its concurrency limit.
CREATE INDEX webhook_deliveries_leased ON webhook_deliveries (endpoint_id) WHERE lease_expires_at IS NOT NULL;
-- The delivery log of an endpoint, newest first.
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, seq);

-- Whether an integration has a live endpoint for an event type: events nobody listens to are not stored.
CREATE FUNCTION webhook_subscribed(integration bigint, event_type text) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM webhook_endpoints e
                  WHERE e.integration_id = integration AND e.deleted_at IS NULL
                    AND (event_type = ANY (e.events) OR '*' = ANY (e.events)))
$$;

-- Each stored event fans out to the endpoints subscribed to it at that moment, in the same statement.
CREATE FUNCTION webhook_fan_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_deliveries (event_id, endpoint_id)
  SELECT n.id, e.id
    FROM new_events n
    JOIN webhook_endpoints e ON e.integration_id = n.integration_id AND e.deleted_at IS NULL
                            AND (n.type = ANY (e.events) OR '*' = ANY (e.events));
  RETURN NULL;
END
$$;
CREATE TRIGGER webhook_events_fan_out AFTER INSERT ON webhook_events
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION webhook_fan_out();

-- A finished batch as §5 shows it (src/ingestion/batch.repository.ts, batch.service.ts), for
-- `batch.completed` payloads written in the statement that stamps the batch. A finished batch has
-- nothing pending or processing, so its status is one of two.
CREATE VIEW webhook_batch_completed AS
SELECT b.id AS batch_id, b.integration_id,
       json_build_object(
         'batch_id', b.id,
         'account_id', a.external_id,
         'status', CASE WHEN c.failed > 0 THEN 'completed_with_errors' ELSE 'completed' END,
         'created_at', to_char(b.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'completed_at', to_char(c.last_finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'counts', json_build_object('total', c.total, 'pending', c.pending, 'processing', c.processing,
                                     'completed', c.completed, 'failed', c.failed)
       ) AS data
  FROM batches b
  JOIN accounts a ON a.id = b.account_id
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS total,
           count(*) FILTER (WHERE t.status = 'pending')::int    AS pending,
           count(*) FILTER (WHERE t.status = 'processing')::int AS processing,
           count(*) FILTER (WHERE t.status = 'completed')::int  AS completed,
           count(*) FILTER (WHERE t.status = 'failed')::int     AS failed,
           -- As GET /api/batches/{id}: a row modified into the batch may have finished before it.
           greatest(max(t.completed_at), b.created_at)          AS last_finished_at
      -- Removed transactions count nowhere (§10).
      FROM transactions t WHERE t.batch_id = b.id AND t.removed_at IS NULL
  ) c;

-- Where each integration's `transactions.changed` notifications stand in its change feed (§12).
CREATE TABLE webhook_change_marks (
  integration_id    bigint PRIMARY KEY REFERENCES integrations (id),
  -- The last change sequence number a notification covered.
  notified_seq      bigint NOT NULL DEFAULT 0,
  last_notified_at  timestamptz
);
