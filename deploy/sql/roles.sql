-- Least-privilege database roles for Lucro (psql script; idempotent, safe to run again at any time).
--
-- Run it as a superuser (or your provider's admin role, e.g. a member of rds_superuser), connected
-- to the Lucro database, BEFORE the first `lucro migrate`:
--
--   LUCRO_OWNER_PASSWORD=… LUCRO_APP_PASSWORD=… psql -X -d "<admin URL>" -f deploy/sql/roles.sql
--
-- It creates
--   lucro_owner  owns the schema objects and runs `lucro migrate` (DDL); nothing else uses it.
--   lucro_app    what the api, worker and scheduler connect as: per table exactly what they need
--                (grants.sql); it cannot create, change or revoke API keys, and has no DDL at all.
--   lucro_keys   key administration (`lucro keys` with KEYS_DATABASE_URL): integrations and API
--                keys, nothing else.
-- and ends by applying grants.sql, which must also run after every `lucro migrate` (as lucro_owner)
-- so tables created by that migration get their grants.
--
-- psql variables (-v name=value), all optional:
--   owner_role, app_role, keys_role               role names (default lucro_owner, lucro_app, lucro_keys)
--   owner_password, app_password, keys_password   passwords; otherwise read from the environment
--                                 variables LUCRO_OWNER_PASSWORD, LUCRO_APP_PASSWORD and
--                                 LUCRO_KEYS_PASSWORD (kept out of argv).
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
\if :{?keys_role}
\else
  \set keys_role lucro_keys
\endif
\if :{?owner_password}
\else
  \getenv owner_password LUCRO_OWNER_PASSWORD
\endif
\if :{?app_password}
\else
  \getenv app_password LUCRO_APP_PASSWORD
\endif
\if :{?keys_password}
\else
  \getenv keys_password LUCRO_KEYS_PASSWORD
\endif

SELECT current_database() AS database,
       NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner_role') AS create_owner,
       NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_role') AS create_app,
       NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'keys_role') AS create_keys
\gset

-- Plain login roles: no superuser, no CREATEDB, no CREATEROLE, no replication, no RLS bypass.
\if :create_owner
  CREATE ROLE :"owner_role" LOGIN;
\endif
\if :create_app
  CREATE ROLE :"app_role" LOGIN;
\endif
\if :create_keys
  CREATE ROLE :"keys_role" LOGIN;
\endif
\if :{?owner_password}
  ALTER ROLE :"owner_role" PASSWORD :'owner_password';
\endif
\if :{?app_password}
  ALTER ROLE :"app_role" PASSWORD :'app_password';
\endif
\if :{?keys_password}
  ALTER ROLE :"keys_role" PASSWORD :'keys_password';
\endif

-- The database: only these three roles (and superusers) may connect; nobody gets TEMP.
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
REVOKE ALL ON DATABASE :"database" FROM :"app_role", :"keys_role";
GRANT CONNECT ON DATABASE :"database" TO :"owner_role", :"app_role", :"keys_role";

-- The schema: the owner creates tables in it, the app may only use what is there. PostgreSQL 15+
-- no longer gives PUBLIC the CREATE privilege on public, older servers do: revoke it either way.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM :"app_role", :"keys_role";
GRANT USAGE, CREATE ON SCHEMA public TO :"owner_role";
GRANT USAGE ON SCHEMA public TO :"app_role", :"keys_role";

-- Table and sequence privileges, per table (grants.sql names every table; run it after each migrate).
\ir grants.sql
