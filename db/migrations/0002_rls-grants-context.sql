-- Tenant isolation, the database's wall (the data layer's `where party_id = ...` is the other one).
--
-- The tenant context is a token signed by the server with HMAC-SHA256:
--   v1.<scope: party|all>.<party uuid or ->.<expires epoch ms>.<nonce>.<hex signature>
-- set per transaction with set_config('app.ctx', token, true). The key lives in gh_private, which the
-- app role cannot read, so SQL running as the app role (an injection included) cannot mint a context
-- for another party: a forged or altered token verifies as "no context", which sees zero rows.
-- The key is stored as its two HMAC pads (key xor ipad, key xor opad) so the check needs only the
-- built-in sha256(): no extension required on an external PostgreSQL 15+.
CREATE TABLE gh_private.context_key (
  id integer PRIMARY KEY CHECK (id = 1),
  ipad bytea NOT NULL CHECK (length(ipad) = 64),
  opad bytea NOT NULL CHECK (length(opad) = 64)
);
--> statement-breakpoint
REVOKE ALL ON gh_private.context_key FROM PUBLIC;
--> statement-breakpoint
CREATE FUNCTION gh_private.verified_context(OUT all_parties boolean, OUT party_id uuid)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  raw text := current_setting('app.ctx', true);
  parts text[];
  k gh_private.context_key%ROWTYPE;
BEGIN
  all_parties := false;
  party_id := NULL;
  IF raw IS NULL OR raw = '' OR length(raw) > 300 THEN RETURN; END IF;
  parts := string_to_array(raw, '.');
  IF array_length(parts, 1) <> 6 OR parts[1] <> 'v1' THEN RETURN; END IF;
  SELECT * INTO k FROM gh_private.context_key WHERE id = 1;
  IF NOT FOUND THEN RETURN; END IF;
  IF encode(sha256(k.opad || sha256(k.ipad || convert_to(array_to_string(parts[1:5], '.'), 'UTF8'))), 'hex')
     IS DISTINCT FROM parts[6] THEN
    RETURN;
  END IF;
  -- Only tokens the server signed get this far, so the formats below are the server's own.
  IF parts[4] !~ '^[0-9]{1,15}$' OR parts[4]::bigint < (extract(epoch FROM clock_timestamp()) * 1000)::bigint THEN
    RETURN;
  END IF;
  IF parts[2] = 'all' THEN
    all_parties := true;
  ELSIF parts[2] = 'party' AND parts[3] ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
    party_id := parts[3]::uuid;
  END IF;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION gh_private.verified_context() FROM PUBLIC;
--> statement-breakpoint
-- The two functions policies call. Policies wrap them as (SELECT ...), so they run once per statement
-- (an InitPlan), not once per row.
CREATE FUNCTION public.gh_ctx_party() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT party_id FROM gh_private.verified_context() $$;
--> statement-breakpoint
CREATE FUNCTION public.gh_ctx_all() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT all_parties FROM gh_private.verified_context() $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION public.gh_ctx_party(), public.gh_ctx_all() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.gh_ctx_party(), public.gh_ctx_all() TO gatehouse_app;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO gatehouse_app;
--> statement-breakpoint
-- Party-scoped tables: ENABLE + FORCE, one policy for the app role only, so every other role
-- (the owner included, thanks to FORCE) is denied by default.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'user_roles', 'sessions', 'orders', 'order_lines', 'invoices', 'audit_events'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I AS PERMISSIVE FOR ALL TO gatehouse_app '
      'USING (party_id = (SELECT public.gh_ctx_party()) OR (SELECT public.gh_ctx_all())) '
      'WITH CHECK (party_id = (SELECT public.gh_ctx_party()) OR (SELECT public.gh_ctx_all()))', t);
  END LOOP;
END
$$;
--> statement-breakpoint
-- A party sees its own row only.
ALTER TABLE parties ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE parties FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON parties AS PERMISSIVE FOR ALL TO gatehouse_app
  USING (id = (SELECT public.gh_ctx_party()) OR (SELECT public.gh_ctx_all()))
  WITH CHECK (id = (SELECT public.gh_ctx_party()) OR (SELECT public.gh_ctx_all()));
--> statement-breakpoint
-- Setup tokens belong to no party: only a system ("all") context may touch them.
ALTER TABLE setup_tokens ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE setup_tokens FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY system_only ON setup_tokens AS PERMISSIVE FOR ALL TO gatehouse_app
  USING ((SELECT public.gh_ctx_all())) WITH CHECK ((SELECT public.gh_ctx_all()));
--> statement-breakpoint
-- Grants are explicit per table (no blanket default privileges), so a new table is unusable until a
-- migration decides what the app may do with it, and the isolation test checks its RLS.
GRANT SELECT, INSERT, UPDATE, DELETE ON parties, users, user_roles, sessions, orders, order_lines, invoices, setup_tokens TO gatehouse_app;
--> statement-breakpoint
GRANT SELECT ON roles TO gatehouse_app;
--> statement-breakpoint
-- The audit log is append-only for the app: INSERT and SELECT, never UPDATE, DELETE or TRUNCATE.
GRANT SELECT, INSERT ON audit_events TO gatehouse_app;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE audit_events_id_seq TO gatehouse_app;
--> statement-breakpoint
-- ...and even the owner cannot edit it, unless a maintenance session says so explicitly
-- (SET gatehouse.audit_maintenance = 'on', documented in db/README.md) while not the app role.
CREATE FUNCTION gh_private.audit_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF current_setting('gatehouse.audit_maintenance', true) = 'on' AND current_user <> 'gatehouse_app' THEN
    RETURN COALESCE(OLD, NEW);
  END IF;
  RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION gh_private.audit_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.audit_append_only();
