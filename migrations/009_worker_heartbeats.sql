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
CREATE INDEX transactions_failed ON transactions (error) INCLUDE (completed_at) WHERE status = 'failed';
