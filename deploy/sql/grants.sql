-- Lucro's table privileges for the app role (psql script; idempotent).
--
-- Run after every `lucro migrate`, as the owner role (or a superuser); roles.sql runs it too:
--
--   psql -X -d "<lucro_owner URL>" -f deploy/sql/grants.sql
--
-- psql variables (-v name=value), optional: owner_role (default lucro_owner), app_role (default lucro_app).

\set ON_ERROR_STOP on
\if :{?owner_role}
\else
  \set owner_role lucro_owner
\endif
\if :{?app_role}
\else
  \set app_role lucro_app
\endif

-- One transaction: the app never sees a moment between the REVOKE and the GRANT.
BEGIN;

-- Tables and identity sequences the owner creates from now on (later migrations) are usable at once.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public
  GRANT USAGE ON SEQUENCES TO :"app_role";

-- What exists now gets exactly these privileges: a re-run also takes back anything granted by hand.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM :"app_role";
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM :"app_role";
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO :"app_role";

-- The app's only DELETEs: purging expired idempotency keys and changes past the feed's retention.
-- Absent before the migrations that create them.
SELECT to_regclass('public.idempotency_keys') IS NOT NULL AS has_idempotency_keys \gset
\if :has_idempotency_keys
  GRANT DELETE ON public.idempotency_keys TO :"app_role";
\endif
SELECT to_regclass('public.changes') IS NOT NULL AS has_changes \gset
\if :has_changes
  GRANT DELETE ON public.changes TO :"app_role";
\endif

COMMIT;
