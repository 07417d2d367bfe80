import type { Queryable } from '../infra/db.js';
import { activeTraceParent } from '../infra/tracing.js';

export const WEBHOOK_EVENT_TYPES = ['batch.completed', 'transactions.changed', 'reenrichment.completed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface EndpointRow {
  id: string;
  url: string;
  events: string[];
  createdAt: Date;
}

export interface DeliveryRow {
  seq: number;
  deliveryId: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastResponseStatus: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
}

/** A delivery claimed for sending: the claim token must accompany its result. */
export interface ClaimedDelivery {
  seq: number;
  deliveryId: string;
  attempts: number;
  claimToken: string;
  eventId: string;
  eventType: string;
  /** ISO 8601, as sent. */
  eventCreatedAt: string;
  data: unknown;
  endpointId: string;
  url: string;
  /** Sealed secrets that sign now, newest first. */
  secrets: Buffer[];
  /** W3C `traceparent` of the span that recorded the event; null when nothing was traced. */
  traceParent: string | null;
}

export interface DeliveryResult {
  seq: number;
  claimToken: string;
  delivered: boolean;
  responseStatus: number | null;
  error: string | null;
  /** Delay before the next attempt, should this one have failed (jitter included). */
  backoffMs: number;
}

export interface WrittenDelivery {
  seq: number;
  status: 'pending' | 'delivered' | 'failed';
  nextAttemptAt: Date | null;
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

export async function insertEndpoint(db: Queryable, endpoint: { id: string; integrationId: number; url: string; events: string[] }): Promise<EndpointRow> {
  const { rows } = await db.query<EndpointRow>(
    `INSERT INTO webhook_endpoints (id, integration_id, url, events) VALUES ($1, $2, $3, $4)
     RETURNING id, url, events, created_at AS "createdAt"`,
    [endpoint.id, endpoint.integrationId, endpoint.url, endpoint.events],
  );
  return rows[0] as EndpointRow;
}

/**
 * Locks the integration's row until the caller's transaction ends, so that no other creation of its
 * endpoints runs, then counts its live endpoints.
 */
export async function lockIntegrationAndCountEndpoints(db: Queryable, integrationId: number): Promise<number> {
  await db.query('SELECT 1 FROM integrations WHERE id = $1 FOR UPDATE', [integrationId]);
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_endpoints WHERE integration_id = $1 AND deleted_at IS NULL', [integrationId]);
  return rows[0]?.n ?? 0;
}

export async function insertSecret(db: Queryable, endpointId: string, sealed: Buffer): Promise<void> {
  await db.query('INSERT INTO webhook_secrets (endpoint_id, sealed) VALUES ($1, $2)', [endpointId, sealed]);
}

/** Secrets that sign now stop doing so after `overlapSeconds` (sooner if they already were to). */
export async function expireSecrets(db: Queryable, endpointId: string, overlapSeconds: number): Promise<void> {
  await db.query(
    `UPDATE webhook_secrets SET expires_at = least(coalesce(expires_at, 'infinity'), now() + make_interval(secs => $2))
      WHERE endpoint_id = $1 AND (expires_at IS NULL OR expires_at > now())`,
    [endpointId, overlapSeconds],
  );
}

export async function listEndpoints(db: Queryable, integrationId: number): Promise<EndpointRow[]> {
  const { rows } = await db.query<EndpointRow>(
    `SELECT id, url, events, created_at AS "createdAt" FROM webhook_endpoints
      WHERE integration_id = $1 AND deleted_at IS NULL
      ORDER BY created_at, id`,
    [integrationId],
  );
  return rows;
}

/** Locks the integration's live endpoint (against a concurrent rotation or deletion); false if there is none. */
export async function lockEndpoint(db: Queryable, integrationId: number, endpointId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'SELECT 1 FROM webhook_endpoints WHERE id = $1 AND integration_id = $2 AND deleted_at IS NULL FOR NO KEY UPDATE',
    [endpointId, integrationId],
  );
  return rowCount === 1;
}

export async function endpointExists(db: Queryable, integrationId: number, endpointId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM webhook_endpoints WHERE id = $1 AND integration_id = $2 AND deleted_at IS NULL', [
    endpointId,
    integrationId,
  ]);
  return rowCount === 1;
}

/**
 * How a delivery still waiting for a deleted endpoint is settled: `failed`, saying so. An attempt in
 * flight loses its claim: its outcome, written later, does not make the delivery pending again.
 */
const SETTLED_AS_DELETED = `status = 'failed', next_attempt_at = NULL, last_error = coalesce(d.last_error || '; ', '') || 'endpoint deleted',
                           claim_token = NULL, lease_expires_at = NULL`;

/**
 * Deletes the integration's endpoint: nothing more is sent to it, and its deliveries still waiting
 * are settled as `failed`. False if there was no such endpoint.
 */
export async function deleteEndpoint(db: Queryable, integrationId: number, endpointId: string): Promise<boolean> {
  const { rows } = await db.query<{ deleted: boolean }>(
    `WITH deleted AS (
       UPDATE webhook_endpoints SET deleted_at = now() WHERE id = $1 AND integration_id = $2 AND deleted_at IS NULL RETURNING id
     ), settled AS (
       UPDATE webhook_deliveries d SET ${SETTLED_AS_DELETED}
         FROM deleted WHERE d.endpoint_id = deleted.id AND d.status = 'pending'
     )
     SELECT EXISTS (SELECT 1 FROM deleted) AS deleted`,
    [endpointId, integrationId],
  );
  return rows[0]?.deleted === true;
}

export interface NewWebhookEvent {
  integrationId: number;
  type: WebhookEventType;
  data: unknown;
}

/**
 * Records events, in the caller's transaction, each with one delivery per endpoint subscribed to
 * it (the fan-out trigger). An event no endpoint listens to is not stored. Returns the ids stored.
 */
export async function recordWebhookEvents(db: Queryable, events: NewWebhookEvent[]): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO webhook_events (integration_id, type, data, trace_parent)
     SELECT e.integration_id, e.type, e.data::json, $4
       FROM unnest($1::bigint[], $2::text[], $3::text[]) WITH ORDINALITY AS e (integration_id, type, data, n)
      WHERE webhook_subscribed(e.integration_id, e.type)
      ORDER BY e.n
     RETURNING id`,
    [events.map((e) => e.integrationId), events.map((e) => e.type), events.map((e) => JSON.stringify(e.data)), activeTraceParent()],
  );
  return rows.map((row) => row.id);
}

/**
 * Records one event (e.g. `reenrichment.completed` with the §11 status object) in the caller's
 * transaction, so it exists exactly when its cause commits. Undefined when no endpoint listens.
 */
export async function recordWebhookEvent(db: Queryable, integrationId: number, type: WebhookEventType, data: unknown): Promise<string | undefined> {
  return (await recordWebhookEvents(db, [{ integrationId, type, data }]))[0];
}

/**
 * Records `batch.completed` for batches already stamped completed (e.g. all duplicates, at
 * creation) and not yet announced, in the caller's transaction. The payload is the batch as §5 shows it.
 */
export async function recordBatchCompletedEvents(db: Queryable, batchIds: string[]): Promise<number> {
  const { rowCount } = await db.query(
    `WITH announced AS (
       UPDATE batches SET announced_at = completed_at WHERE id = ANY ($1::uuid[]) AND completed_at IS NOT NULL AND announced_at IS NULL RETURNING id
     )
     INSERT INTO webhook_events (integration_id, type, data, trace_parent)
     SELECT v.integration_id, 'batch.completed', v.data, $2 FROM webhook_batch_completed v JOIN announced a ON a.id = v.batch_id
      WHERE webhook_subscribed(v.integration_id, 'batch.completed')`,
    [batchIds, activeTraceParent()],
  );
  return rowCount ?? 0;
}

/** One page of an endpoint's deliveries, newest first, before the sequence number `beforeSeq`. */
export async function listDeliveries(
  db: Queryable,
  endpointId: string,
  status: string | undefined,
  beforeSeq: number,
  limit: number,
): Promise<DeliveryRow[]> {
  const { rows } = await db.query<DeliveryRow>(
    `SELECT d.seq, d.id AS "deliveryId", d.event_id AS "eventId", ev.type AS "eventType", d.status, d.attempts,
            d.last_response_status AS "lastResponseStatus", d.last_error AS "lastError",
            d.next_attempt_at AS "nextAttemptAt", d.created_at AS "createdAt"
       FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
      WHERE d.endpoint_id = $1 AND ($2::text IS NULL OR d.status = $2) AND d.seq < $3
      ORDER BY d.seq DESC
      LIMIT $4`,
    [endpointId, status ?? null, beforeSeq, limit],
  );
  return rows;
}

/**
 * Makes a delivery of the integration's live endpoint due now, whatever its status; false if there
 * is none. An attempt in flight loses its claim: its outcome, written later, would otherwise put the
 * next attempt back after its backoff (a minute or more after a 202 that said now).
 */
export async function scheduleDeliveryNow(db: Queryable, integrationId: number, endpointId: string, deliveryId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE webhook_deliveries d SET status = 'pending', next_attempt_at = now(), claim_token = NULL, lease_expires_at = NULL, unsigned_since = NULL
       FROM webhook_endpoints e
      WHERE d.id = $3 AND d.endpoint_id = $2 AND e.id = d.endpoint_id AND e.integration_id = $1 AND e.deleted_at IS NULL`,
    [integrationId, endpointId, deliveryId],
  );
  return rowCount === 1;
}

/**
 * Locks live endpoints that have a delivery due, skipping those another worker is claiming for:
 * one claimer per endpoint at a time keeps its in-flight count exact.
 */
export async function lockDueEndpoints(db: Queryable, limit: number, skipped: readonly string[] = []): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT e.id FROM webhook_endpoints e
      WHERE e.deleted_at IS NULL AND e.id <> ALL ($2::text[])
        AND EXISTS (SELECT 1 FROM webhook_deliveries d
                     WHERE d.endpoint_id = e.id AND d.status = 'pending' AND d.next_attempt_at <= now()
                       AND (d.lease_expires_at IS NULL OR d.lease_expires_at < now()))
      LIMIT $1
      FOR NO KEY UPDATE SKIP LOCKED`,
    [limit, skipped],
  );
  return rows.map((row) => row.id);
}

/** Whether any delivery is due now (its lease, if any, run out), other than those of the skipped endpoints. */
export async function hasDueDeliveries(db: Queryable, skipped: readonly string[] = []): Promise<boolean> {
  const { rows } = await db.query<{ due: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.deleted_at IS NULL
                     WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND d.endpoint_id <> ALL ($1::text[])
                       AND (d.lease_expires_at IS NULL OR d.lease_expires_at < now())) AS due`,
    [skipped],
  );
  return rows[0]?.due ?? false;
}

/**
 * Claims up to `limit` due deliveries of the given (locked) endpoints, at most `perEndpoint` in
 * flight for each, oldest due first. A delivery whose lease ran out (its worker died) is due again.
 */
export async function claimDeliveries(
  db: Queryable,
  endpointIds: string[],
  perEndpoint: number,
  limit: number,
  leaseMs: number,
  claimToken: string,
): Promise<ClaimedDelivery[]> {
  const { rows } = await db.query<ClaimedDelivery>(
    `WITH slots AS (
       SELECT s.id AS endpoint_id,
              $3::int - (SELECT count(*) FROM webhook_deliveries f
                          WHERE f.endpoint_id = s.id AND f.lease_expires_at > now())::int AS free
         FROM unnest($1::text[]) AS s (id)
     ), picked AS (
       SELECT p.seq FROM slots s
        CROSS JOIN LATERAL (
          SELECT f.seq, f.next_attempt_at FROM webhook_deliveries f
           WHERE f.endpoint_id = s.endpoint_id AND f.status = 'pending' AND f.next_attempt_at <= now()
             AND (f.lease_expires_at IS NULL OR f.lease_expires_at < now())
           ORDER BY f.next_attempt_at, f.seq
           LIMIT greatest(s.free, 0)
        ) p
        ORDER BY p.next_attempt_at, p.seq
        LIMIT $2
     )
     UPDATE webhook_deliveries d
        SET attempts = d.attempts + 1, claim_token = $5, lease_expires_at = now() + make_interval(secs => $4 / 1000.0)
       FROM picked p, webhook_events ev, webhook_endpoints e
      WHERE d.seq = p.seq AND ev.id = d.event_id AND e.id = d.endpoint_id
      RETURNING d.seq, d.id AS "deliveryId", d.attempts, d.claim_token AS "claimToken",
                ev.id AS "eventId", ev.type AS "eventType", to_char(ev.created_at AT TIME ZONE 'UTC', ${ISO}) AS "eventCreatedAt",
                ev.data, ev.trace_parent AS "traceParent", e.id AS "endpointId", e.url,
                (SELECT coalesce(array_agg(s.sealed ORDER BY s.id DESC), '{}') FROM webhook_secrets s
                  WHERE s.endpoint_id = e.id AND (s.expires_at IS NULL OR s.expires_at > now())) AS secrets`,
    [endpointIds, limit, perEndpoint, leaseMs, claimToken],
  );
  return rows;
}

/**
 * Writes attempts' outcomes, each guarded by its claim token. A failed attempt is retried after
 * its backoff, but never later than `retryHours` after the delivery was created; an attempt that
 * fails at or after that moment makes the delivery `failed`.
 */
export async function writeDeliveryResults(db: Queryable, results: DeliveryResult[], retryHours: number): Promise<WrittenDelivery[]> {
  const { rows } = await db.query<WrittenDelivery>(
    `UPDATE webhook_deliveries d
        SET status = CASE WHEN r.delivered THEN 'delivered' WHEN now() >= d.created_at + $7::float8 * interval '1 hour' THEN 'failed' ELSE 'pending' END,
            next_attempt_at = CASE WHEN r.delivered OR now() >= d.created_at + $7::float8 * interval '1 hour' THEN NULL
                                   ELSE least(now() + r.backoff_ms * interval '1 millisecond', d.created_at + $7::float8 * interval '1 hour') END,
            last_response_status = r.response_status, last_error = r.error,
            delivered_at = CASE WHEN r.delivered THEN now() ELSE d.delivered_at END,
            claim_token = NULL, lease_expires_at = NULL, unsigned_since = NULL
       FROM unnest($1::bigint[], $2::uuid[], $3::boolean[], $4::int[], $5::text[], $6::bigint[])
            AS r (seq, claim_token, delivered, response_status, error, backoff_ms)
      WHERE d.seq = r.seq AND d.claim_token = r.claim_token
      RETURNING d.seq, d.status, d.next_attempt_at AS "nextAttemptAt"`,
    [
      results.map((r) => r.seq),
      results.map((r) => r.claimToken),
      results.map((r) => r.delivered),
      results.map((r) => r.responseStatus),
      results.map((r) => r.error),
      results.map((r) => Math.round(r.backoffMs)),
      retryHours,
    ],
  );
  return rows;
}

/**
 * Hands claimed deliveries back unsent, each guarded by its token: the claim's attempt is not
 * counted, and the delivery stays due, for a worker that can sign it. One that no worker could sign
 * for a whole `retryHours` (counted from the first time it was handed back, not from its creation:
 * a retry asked for an old delivery gets the full window) is `failed` instead.
 */
export async function giveBackDeliveries(db: Queryable, deliveries: Array<{ seq: number; claimToken: string }>, retryHours: number): Promise<WrittenDelivery[]> {
  const { rows } = await db.query<WrittenDelivery>(
    `WITH given AS (
       SELECT d.seq, now() >= coalesce(d.unsigned_since, now()) + $3::float8 * interval '1 hour' AS expired
         FROM webhook_deliveries d JOIN unnest($1::bigint[], $2::uuid[]) AS r (seq, claim_token) ON d.seq = r.seq AND d.claim_token = r.claim_token
     )
     UPDATE webhook_deliveries d
        SET attempts = d.attempts - 1, claim_token = NULL, lease_expires_at = NULL,
            unsigned_since = coalesce(d.unsigned_since, now()),
            status = CASE WHEN g.expired THEN 'failed' ELSE 'pending' END,
            next_attempt_at = CASE WHEN g.expired THEN NULL ELSE d.next_attempt_at END,
            last_error = CASE WHEN g.expired THEN 'not sent: it could not be signed within its retry window'
                              ELSE 'not sent yet: it could not be signed here; it waits for a worker that can sign it' END
       FROM given g
      WHERE d.seq = g.seq
      RETURNING d.seq, d.status, d.next_attempt_at AS "nextAttemptAt"`,
    [deliveries.map((d) => d.seq), deliveries.map((d) => d.claimToken), retryHours],
  );
  return rows;
}

export interface DueChangeMark {
  integrationId: number;
  /** The position of the last commit a notification covered. */
  notifiedSeq: number;
  /** The integration's last placed commit. */
  lastSeq: number;
  /** The integration's key for the cursors it is handed (changes/cursor-keys.ts). */
  cursorKey: Buffer;
}

/**
 * Starts `transactions.changed` notifications for an integration at its current feed position
 * (kept if it already has one).
 */
export async function startChangeMark(db: Queryable, integrationId: number): Promise<void> {
  await db.query(
    `INSERT INTO webhook_change_marks (integration_id, notified_seq)
     SELECT $1, coalesce(max(seq), 0) FROM change_commits WHERE integration_id = $1 AND seq IS NOT NULL
     ON CONFLICT (integration_id) DO NOTHING`,
    [integrationId],
  );
}

/**
 * Locks the marks of subscribed integrations that have changes past their mark and were last
 * notified at least `windowSeconds` ago (the coalescing window), skipping marks another worker holds.
 */
export async function lockDueChangeMarks(db: Queryable, windowSeconds: number, limit: number): Promise<DueChangeMark[]> {
  const { rows } = await db.query<DueChangeMark>(
    `SELECT m.integration_id AS "integrationId", m.notified_seq AS "notifiedSeq", x.last_seq AS "lastSeq", i.cursor_key AS "cursorKey"
       FROM webhook_change_marks m
       JOIN integrations i ON i.id = m.integration_id
       CROSS JOIN LATERAL (SELECT max(g.seq) AS last_seq FROM change_commits g WHERE g.integration_id = m.integration_id AND g.seq IS NOT NULL) x
      WHERE x.last_seq > m.notified_seq
        AND (m.last_notified_at IS NULL OR m.last_notified_at <= now() - make_interval(secs => $1))
        AND webhook_subscribed(m.integration_id, 'transactions.changed')
      LIMIT $2
      FOR UPDATE OF m SKIP LOCKED`,
    [windowSeconds, limit],
  );
  return rows;
}

/** Moves the marks to the positions just notified. */
export async function advanceChangeMarks(db: Queryable, marks: Array<{ integrationId: number; seq: number }>): Promise<void> {
  await db.query(
    `UPDATE webhook_change_marks m SET notified_seq = r.seq, last_notified_at = now()
       FROM unnest($1::bigint[], $2::bigint[]) AS r (integration_id, seq)
      WHERE m.integration_id = r.integration_id`,
    [marks.map((m) => m.integrationId), marks.map((m) => m.seq)],
  );
}

/** Deliveries not yet settled: all, those due now, and those whose last attempt failed. */
export async function countPendingDeliveries(db: Queryable): Promise<{ pending: number; due: number; retrying: number }> {
  const { rows } = await db.query<{ pending: number; due: number; retrying: number }>(
    `SELECT count(*)::int AS pending,
            count(*) FILTER (WHERE d.next_attempt_at <= now())::int AS due,
            count(*) FILTER (WHERE d.last_error IS NOT NULL)::int AS retrying
       FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.deleted_at IS NULL
      WHERE d.status = 'pending'`,
  );
  return rows[0] ?? { pending: 0, due: 0, retrying: 0 };
}

/**
 * Settles as `failed`, as deleting the endpoint did, up to `limit` deliveries still waiting for a
 * deleted endpoint, and returns how many: those of an event recorded while the endpoint was being
 * deleted, which that delete could not see yet.
 */
export async function settleDeliveriesOfDeletedEndpoints(db: Queryable, limit: number): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE webhook_deliveries d SET ${SETTLED_AS_DELETED}
      WHERE d.seq IN (SELECT p.seq FROM webhook_deliveries p JOIN webhook_endpoints e ON e.id = p.endpoint_id
                       WHERE p.status = 'pending' AND e.deleted_at IS NOT NULL LIMIT $1)
        AND d.status = 'pending'`,
    [limit],
  );
  return rowCount ?? 0;
}

/**
 * Drops up to `limit` delivered or failed deliveries created before the retention, oldest first,
 * and returns how many; a pending one stays whatever its age. Its log entry and its retry go with it.
 */
export async function purgeFinishedDeliveries(db: Queryable, retentionDays: number, limit: number): Promise<number> {
  const { rowCount } = await db.query(
    // The conditions are asked again of each row as it is deleted: a retry that made it pending
    // meanwhile (its lock waited for) keeps it.
    `DELETE FROM webhook_deliveries
      WHERE seq IN (SELECT seq FROM webhook_deliveries
                     WHERE status <> 'pending' AND created_at < now() - make_interval(days => $1)
                     ORDER BY created_at LIMIT $2)
        AND status <> 'pending' AND created_at < now() - make_interval(days => $1)`,
    [retentionDays, limit],
  );
  return rowCount ?? 0;
}

/** Drops up to `limit` events recorded before the retention that no delivery refers to any more, and returns how many. */
export async function purgeDeliveredEvents(db: Queryable, retentionDays: number, limit: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM webhook_events WHERE id IN (
       SELECT e.id FROM webhook_events e
        WHERE e.created_at < now() - make_interval(days => $1)
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)
        ORDER BY e.created_at LIMIT $2)`,
    [retentionDays, limit],
  );
  return rowCount ?? 0;
}
