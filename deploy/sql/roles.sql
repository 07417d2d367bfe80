-- Least-privilege database roles for Lucro (psql script; idempotent, safe to run again at any time).
--
-- Run it as a superuser (or your provider's admin role, e.g. a member of rds_superuser), connected
-- to the Lucro database, BEFORE the first `lucro migrate`:
--
--   LUCRO_OWNER_PASSWORD=… LUCRO_APP_PASSWORD=… psql -X -d "<admin URL>" -f deploy/sql/roles.sql
--
-- It creates
--   lucro_owner  owns the schema objects and runs `lucro migrate` (DDL); nothing else uses it.
--   lucro_app    what the api, worker and scheduler connect as: SELECT, INSERT, UPDATE on the tables,
--                DELETE only on idempotency_keys (the expired-keys purge), no DDL at all.
-- and ends by applying grants.sql, which must also run after every `lucro migrate` (as lucro_owner)
-- so tables created by that migration get their grants.
--
-- psql variables (-v name=value), all optional:
--   owner_role, app_role          role names (default lucro_owner, lucro_app)
--   owner_password, app_password  passwords; otherwise read from the environment variables
--                                 LUCRO_OWNER_PASSWORD and LUCRO_APP_PASSWORD (kept out of argv).
--                                 A role whose password is given neither way keeps the one it has.
-- Needs psql 15 or later (\getenv); tested against PostgreSQL 15.

\set ON_ERROR_STOP on
\if :{?owner_role}
\else
  \set owner_role lucro_owner
\endif
\if :{?app_role}
\else
  \set app_role lucro_app
\endif
\if :{?owner_password}
\else
  \getenv owner_password LUCRO_OWNER_PASSWORD
\endif
\if :{?app_password}
\else
  \getenv app_password LUCRO_APP_PASSWORD
\endif

SELECT current_database() AS database,
       NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner_role') AS create_owner,
       NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_role') AS create_app
\gset

-- Plain login roles: no superuser, no CREATEDB, no CREATEROLE, no replication, no RLS bypass.
\if :create_owner
  CREATE ROLE :"owner_role" LOGIN;
\endif
\if :create_app
  CREATE ROLE :"app_role" LOGIN;
\endif
\if :{?owner_password}
  ALTER ROLE :"owner_role" PASSWORD :'owner_password';
\endif
\if :{?app_password}
  ALTER ROLE :"app_role" PASSWORD :'app_password';
\endif

-- The database: only these two roles (and superusers) may connect; nobody gets TEMP.
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
REVOKE ALL ON DATABASE :"database" FROM :"app_role";
GRANT CONNECT ON DATABASE :"database" TO :"owner_role", :"app_role";

-- The schema: the owner creates tables in it, the app may only use what is there. PostgreSQL 15+
-- no longer gives PUBLIC the CREATE privilege on public, older servers do: revoke it either way.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM :"app_role";
GRANT USAGE, CREATE ON SCHEMA public TO :"owner_role";
GRANT USAGE ON SCHEMA public TO :"app_role";

-- Table and sequence privileges, now and for every table the owner creates later.
\ir grants.sql
