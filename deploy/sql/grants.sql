-- Lucro's table privileges, per table and per role (psql script; idempotent).
--
-- Run after every `lucro migrate`, as the owner role (or a superuser); roles.sql runs it too:
--
--   psql -X -d "<lucro_owner URL>" -f deploy/sql/grants.sql
--
-- psql variables (-v name=value), optional: owner_role (default lucro_owner), app_role (default
-- lucro_app), keys_role (default lucro_keys).
--
-- Every table and view of the schema is named below with what each role may do to it, and nothing is
-- granted by default: a table that a new migration adds is closed to the app until it is named
-- here (test/deploy.test.ts fails while one is missing). What the app does, table by table:
-- - it reads keys to authenticate and stamps last_used_at; creating, revoking and re-scoping keys
--   and integrations is the key administration role's alone;
-- - it deletes only expired idempotency keys, changes and webhook deliveries past their retention,
--   heartbeats of processes long gone, ended queue-board sessions, and the correction a person
--   takes back (PATCH with a null category); transactions are never deleted;
-- - it reads schema_migrations (for `lucro status`); only the owner migrates.

\set ON_ERROR_STOP on
\if :{?owner_role}
\else
  \set owner_role lucro_owner
\endif
\if :{?app_role}
\else
  \set app_role lucro_app
\endif
\if :{?keys_role}
\else
  \set keys_role lucro_keys
\endif

-- One transaction: the app never sees a moment between the REVOKE and the GRANT.
BEGIN;

-- Nothing by default (earlier versions of this file granted every new table to the app).
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public REVOKE ALL ON TABLES FROM :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public REVOKE ALL ON SEQUENCES FROM :"app_role";

-- What exists now gets exactly these privileges: a re-run also takes back anything granted by hand.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM :"app_role", :"keys_role";
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM :"app_role", :"keys_role";

-- One statement (no temporary table: roles.sql gives no role TEMP): the grants, then the identity
-- sequences of the tables a role inserts into. Tables absent before the migrations that create
-- them are skipped (roles.sql runs before the first).
WITH wanted (role, tbl, privileges) AS (
  SELECT :'app_role', tbl, privileges FROM (VALUES
    ('accounts',               'SELECT, INSERT, UPDATE'),
    ('batches',                'SELECT, INSERT, UPDATE'),
    ('transactions',           'SELECT, INSERT, UPDATE'),
    ('account_daily_rollup',   'SELECT, INSERT, UPDATE'),
    ('account_monthly_rollup', 'SELECT, INSERT, UPDATE'),
    ('idempotency_keys',       'SELECT, INSERT, UPDATE, DELETE'),
    ('changes',                'SELECT, INSERT, DELETE'),
    ('change_commits',         'SELECT, INSERT, UPDATE, DELETE'),
    ('change_sequencer',       'SELECT, UPDATE'),
    ('legacy_cursor_limits',   'SELECT'),
    ('corrections',            'SELECT, INSERT, UPDATE, DELETE'),
    ('learned_merchants',      'SELECT, INSERT, UPDATE'),
    ('learned_features',       'SELECT, INSERT, UPDATE'),
    ('learning_versions',      'SELECT, INSERT, UPDATE'),
    ('lesson_derivation',      'SELECT'),
    ('reenrichments',          'SELECT, INSERT, UPDATE'),
    ('webhook_endpoints',      'SELECT, INSERT, UPDATE'),
    ('webhook_secrets',        'SELECT, INSERT, UPDATE'),
    ('webhook_events',         'SELECT, INSERT, UPDATE, DELETE'),
    ('webhook_deliveries',     'SELECT, INSERT, UPDATE, DELETE'),
    ('webhook_change_marks',   'SELECT, INSERT, UPDATE'),
    ('webhook_batch_completed','SELECT'),
    ('worker_heartbeats',      'SELECT, INSERT, UPDATE, DELETE'),
    ('admin_sessions',         'SELECT, INSERT, UPDATE, DELETE'),
    ('api_keys',               'SELECT, UPDATE (last_used_at)'),
    ('integrations',           'SELECT'),
    ('api_key_generation',     'SELECT'),
    ('schema_migrations',      'SELECT')
  ) AS app (tbl, privileges)
  UNION ALL
  SELECT :'keys_role', tbl, privileges FROM (VALUES
    ('integrations',       'SELECT, INSERT'),
    ('api_keys',           'SELECT, INSERT, UPDATE'),
    -- A change to a key's rights bumps this counter (a trigger, run as the role that changed it).
    ('api_key_generation', 'SELECT, UPDATE')
  ) AS keys (tbl, privileges)
), present AS (
  SELECT w.*, to_regclass(format('public.%I', w.tbl)) AS rel FROM wanted w
)
SELECT statement FROM (
  SELECT 1 AS step, format('GRANT %s ON public.%I TO %I', privileges, tbl, role) AS statement
    FROM present WHERE rel IS NOT NULL
  UNION
  SELECT 2, format('GRANT USAGE ON SEQUENCE %s TO %I', s.oid::regclass, p.role)
    FROM present p
    JOIN pg_depend d ON d.refobjid = p.rel AND d.classid = 'pg_class'::regclass
    JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
   WHERE p.privileges LIKE '%INSERT%'
) statements
ORDER BY step, statement
\gexec

COMMIT;
