-- Every long-running process (worker, scheduler, api, start) keeps a row here fresh every ~10 s, so
-- `lucro status` can tell which workers are alive. One row per host and pid: a restarted process
-- takes its row over, and rows of processes gone for good just grow old (nothing deletes them).
CREATE TABLE worker_heartbeats (
  id           text PRIMARY KEY,
  role         text NOT NULL,
  hostname     text NOT NULL,
  pid          integer NOT NULL,
  -- Transactions the process enriches at once (WORKER_CONCURRENCY); null for roles that do not enrich.
  concurrency  integer,
  started_at   timestamptz NOT NULL DEFAULT now(),
  seen_at      timestamptz NOT NULL DEFAULT now(),
  -- Set when the process drained and exited cleanly; a crashed one just stops being seen.
  stopped_at   timestamptz
);
CREATE INDEX worker_heartbeats_seen_at ON worker_heartbeats (seen_at);

-- `lucro status` counts failed rows and groups them by error without walking the finished ones.
CREATE INDEX transactions_failed ON transactions (error) INCLUDE (completed_at) WHERE status = 'failed' AND removed_at IS NULL;

-- The queue board (/admin/queues) is a browser UI that cannot send a Bearer header: an admin key is
-- exchanged once for a short-lived session whose token travels in an HttpOnly cookie. Only the
-- token's hash is stored; a session dies with its key (revoked) or at expires_at.
CREATE TABLE admin_sessions (
  token_hash  bytea PRIMARY KEY,
  api_key_id  bigint NOT NULL REFERENCES api_keys (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
