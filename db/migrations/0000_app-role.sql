-- Runs first, and is idempotent: roles are cluster-wide, so a second database in the same cluster
-- (tests, staging) must find the role already there and carry on.
-- gatehouse_app is what the server connects as: not the owner of any table, no BYPASSRLS, no superuser,
-- so every FORCEd row-level security policy applies to it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gatehouse_app') THEN
    CREATE ROLE gatehouse_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION;
  END IF;
END
$$;
--> statement-breakpoint
-- Private schema: holds the tenant-context key. The app role gets no USAGE on it, ever.
CREATE SCHEMA IF NOT EXISTS gh_private;
--> statement-breakpoint
REVOKE ALL ON SCHEMA gh_private FROM PUBLIC;
