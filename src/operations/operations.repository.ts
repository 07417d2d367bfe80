import type { Queryable } from '../infra/db.js';

/**
 * Seconds the oldest pending transaction has waited (null when none): since its batch was created, or
 * since the re-enrichment that sent it back to pending started — a re-enrichment does not reopen
 * the batches of its rows, and its backlog must count too. Cheap at any backlog: open batches (and
 * open re-enrichments) in creation order, each probed on a pending-rows index, stopping at the first that has one.
 */
export async function oldestPendingAgeSeconds(db: Queryable): Promise<number | null> {
  const { rows } = await db.query<{ age: number | null }>(
    `SELECT extract(epoch FROM now() - least(
              (SELECT b.created_at FROM batches b
                WHERE b.completed_at IS NULL
                  AND EXISTS (SELECT 1 FROM transactions t WHERE t.batch_id = b.id AND t.status = 'pending' AND t.removed_at IS NULL)
                ORDER BY b.created_at LIMIT 1),
              (SELECT r.created_at FROM reenrichments r
                WHERE r.completed_at IS NULL
                  AND EXISTS (SELECT 1 FROM transactions t WHERE t.reenrichment_id = r.id AND t.status = 'pending' AND t.removed_at IS NULL)
                ORDER BY r.created_at LIMIT 1)))::float8 AS age`,
  );
  const age = rows[0]?.age ?? null;
  return age === null ? null : Math.max(0, age);
}

/** Names of the migrations applied to this database; empty when it was never migrated. */
export async function appliedMigrations(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name').catch((error: unknown) => {
    if ((error as { code?: string }).code === '42P01') return { rows: [] }; // undefined_table: never migrated
    throw error;
  });
  return rows.map((row) => row.name);
}

/** Answers once the database does: the cheapest statement that proves it is reachable. */
export async function pingDatabase(db: Queryable): Promise<void> {
  await db.query('SELECT 1');
}

export interface Backlog {
  pending: number;
  processing: number;
  failed: number;
  /** Failed rows whose last attempt ended within the last hour. */
  failedLastHour: number;
  /** Processing rows whose lease ran out more than STALE_LEASE_SECONDS ago: nothing is taking them back. */
  staleLeases: number;
}

/** Workers and the scheduler look for expired leases every few seconds; one expired this long ago was missed. */
export const STALE_LEASE_SECONDS = 30;

/** Unfinished and failed transactions (removed ones count nowhere), each counted on its partial index. */
export async function countBacklog(db: Queryable): Promise<Backlog> {
  const { rows } = await db.query<Backlog>(
    `SELECT (SELECT count(*) FROM transactions WHERE status = 'pending' AND removed_at IS NULL)::int AS pending,
            (SELECT count(*) FROM transactions WHERE status = 'processing' AND removed_at IS NULL)::int AS processing,
            (SELECT count(*) FROM transactions WHERE status = 'failed' AND removed_at IS NULL)::int AS failed,
            (SELECT count(*) FROM transactions WHERE status = 'failed' AND removed_at IS NULL AND completed_at > now() - interval '1 hour')::int AS "failedLastHour",
            (SELECT count(*) FROM transactions WHERE status = 'processing' AND lease_expires_at < now() - make_interval(secs => $1))::int AS "staleLeases"`,
    [STALE_LEASE_SECONDS],
  );
  return rows[0] as Backlog;
}

export interface FailureGroup {
  error: string;
  count: number;
  lastAt: string;
}

/** Failed transactions grouped by their error, most frequent first. */
export async function failedByError(db: Queryable, limit: number): Promise<FailureGroup[]> {
  const { rows } = await db.query<FailureGroup>(
    `SELECT coalesce(error, '(no error recorded)') AS error, count(*)::int AS count,
            to_char(max(completed_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "lastAt"
       FROM transactions WHERE status = 'failed' AND removed_at IS NULL
      GROUP BY error
      ORDER BY count(*) DESC, error
      LIMIT $1`,
    [limit],
  );
  return rows;
}

export interface HeartbeatRow {
  id: string;
  role: string;
  hostname: string;
  pid: number;
  concurrency: number | null;
  /** Whether the process runs the scheduler's sweep. */
  sweeps: boolean;
}

/** Registers a process or refreshes its row; a restarted process with the same id takes the row over. */
export async function beat(db: Queryable, process: HeartbeatRow, starting: boolean): Promise<void> {
  await db.query(
    `INSERT INTO worker_heartbeats (id, role, hostname, pid, concurrency, sweeps) VALUES ($1, $2, $3, $4, $5, $7)
     ON CONFLICT (id) DO UPDATE
        SET role = EXCLUDED.role, concurrency = EXCLUDED.concurrency, sweeps = EXCLUDED.sweeps, seen_at = now(), stopped_at = NULL,
            started_at = CASE WHEN $6 THEN now() ELSE worker_heartbeats.started_at END`,
    [process.id, process.role, process.hostname, process.pid, process.concurrency, starting, process.sweeps],
  );
}

/** Marks a process as drained and gone. */
export async function markStopped(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE worker_heartbeats SET stopped_at = now() WHERE id = $1', [id]);
}

/**
 * Drops the rows of processes not seen for `goneForDays`: every restart on another host or pid (a new
 * pod) leaves one behind, and `lucro status` only reads the fresh ones. Returns how many went.
 */
export async function purgeGoneProcesses(db: Queryable, goneForDays: number): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM worker_heartbeats WHERE seen_at < now() - make_interval(days => $1)', [goneForDays]);
  return rowCount ?? 0;
}

export interface LiveProcess extends Omit<HeartbeatRow, 'sweeps'> {
  /** null for a process of a release before migration 031. */
  sweeps: boolean | null;
  startedAt: string;
  /** Seconds since its last heartbeat. */
  seenSecondsAgo: number;
}

/** Processes that beat within `withinSeconds` and have not stopped, workers first. */
export async function liveProcesses(db: Queryable, withinSeconds: number): Promise<LiveProcess[]> {
  const { rows } = await db.query<LiveProcess>(
    `SELECT id, role, hostname, pid, concurrency, sweeps,
            to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "startedAt",
            extract(epoch FROM now() - seen_at)::float8 AS "seenSecondsAgo"
       FROM worker_heartbeats
      WHERE seen_at > now() - make_interval(secs => $1) AND stopped_at IS NULL
      ORDER BY role <> 'worker', role, hostname, pid`,
    [withinSeconds],
  );
  return rows;
}

/**
 * Opens a queue-board session for the active key with this hash, if it holds the admin scope.
 * Returns when the session expires, or undefined when the key does not qualify.
 */
export async function insertAdminSession(db: Queryable, tokenHash: Buffer, keyHash: Buffer, ttlSeconds: number): Promise<string | undefined> {
  const { rows } = await db.query<{ expiresAt: string }>(
    `INSERT INTO admin_sessions (token_hash, api_key_id, expires_at)
     SELECT $1, k.id, now() + make_interval(secs => $3) FROM api_keys k
      WHERE k.key_hash = $2 AND k.revoked_at IS NULL AND 'admin' = ANY (k.scopes)
     RETURNING to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "expiresAt"`,
    [tokenHash, keyHash, ttlSeconds],
  );
  return rows[0]?.expiresAt;
}

/** The integration behind a live session whose key is still active, or undefined. */
export async function findAdminSession(db: Queryable, tokenHash: Buffer): Promise<{ integrationName: string } | undefined> {
  const { rows } = await db.query<{ integrationName: string }>(
    `SELECT i.name AS "integrationName"
       FROM admin_sessions s JOIN api_keys k ON k.id = s.api_key_id JOIN integrations i ON i.id = k.integration_id
      WHERE s.token_hash = $1 AND s.expires_at > now() AND k.revoked_at IS NULL AND 'admin' = ANY (k.scopes)`,
    [tokenHash],
  );
  return rows[0];
}

/** Ends a session at once (sign-out). */
export async function expireAdminSession(db: Queryable, tokenHash: Buffer): Promise<void> {
  await db.query('UPDATE admin_sessions SET expires_at = now() WHERE token_hash = $1 AND expires_at > now()', [tokenHash]);
}

/** Drops queue-board sessions that expired (or were signed out) before `endedForSeconds` ago: nothing reads them again. */
export async function purgeEndedAdminSessions(db: Queryable, endedForSeconds: number): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM admin_sessions WHERE expires_at < now() - make_interval(secs => $1)', [endedForSeconds]);
  return rowCount ?? 0;
}
