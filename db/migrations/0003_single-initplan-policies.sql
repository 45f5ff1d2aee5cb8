-- One context check per table instead of two. The policies of 0002 called gh_ctx_party() and
-- gh_ctx_all() as two InitPlans, each verifying the token's HMAC; a session lookup touches five
-- protected tables, so that was ten verifications a statement. gh_ctx() answers both questions at once:
-- the caller's party, the nil UUID for "every party" (a server-signed all-parties context), or NULL
-- for no valid context. No party can have the nil UUID as its id (CHECK below), so it only ever means "all".
CREATE FUNCTION public.gh_ctx() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN all_parties THEN '00000000-0000-0000-0000-000000000000'::uuid ELSE party_id END
  FROM gh_private.verified_context()
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION public.gh_ctx() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.gh_ctx() TO gatehouse_app;
--> statement-breakpoint
ALTER TABLE parties ADD CONSTRAINT parties_id_not_nil CHECK (id <> '00000000-0000-0000-0000-000000000000'::uuid);
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'user_roles', 'sessions', 'orders', 'order_lines', 'invoices', 'audit_events'] LOOP
    EXECUTE format('DROP POLICY tenant_isolation ON %I', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I AS PERMISSIVE FOR ALL TO gatehouse_app '
      'USING ((SELECT public.gh_ctx()) IN (party_id, ''00000000-0000-0000-0000-000000000000''::uuid)) '
      'WITH CHECK ((SELECT public.gh_ctx()) IN (party_id, ''00000000-0000-0000-0000-000000000000''::uuid))', t);
  END LOOP;
END
$$;
--> statement-breakpoint
DROP POLICY tenant_isolation ON parties;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON parties AS PERMISSIVE FOR ALL TO gatehouse_app
  USING ((SELECT public.gh_ctx()) IN (id, '00000000-0000-0000-0000-000000000000'::uuid))
  WITH CHECK ((SELECT public.gh_ctx()) IN (id, '00000000-0000-0000-0000-000000000000'::uuid));
--> statement-breakpoint
DROP POLICY system_only ON setup_tokens;
--> statement-breakpoint
CREATE POLICY system_only ON setup_tokens AS PERMISSIVE FOR ALL TO gatehouse_app
  USING ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid)
  WITH CHECK ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid);
--> statement-breakpoint
DROP FUNCTION public.gh_ctx_party();
--> statement-breakpoint
DROP FUNCTION public.gh_ctx_all();
