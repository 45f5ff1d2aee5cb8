-- One definition of the tenant wall on a party table, instead of the block pasted into 0002, 0003, 0005,
-- 0015, 0017, 0018, 0031, 0035 and 0036: ENABLE + FORCE row-level security and the one-check policy of
-- 0003 for the app role (the caller's party, or the system context). A migration that adds a party table
-- calls `SELECT gh_private.tenant_rls('my_table');` test/rls-policies.test.ts holds every party table's
-- policy equal to what this function writes.
CREATE FUNCTION gh_private.tenant_rls(tbl regclass, party_column name DEFAULT 'party_id') RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON %1$s AS PERMISSIVE FOR ALL TO gatehouse_app '
    'USING ((SELECT public.gh_ctx()) IN (%2$I, ''00000000-0000-0000-0000-000000000000''::uuid)) '
    'WITH CHECK ((SELECT public.gh_ctx()) IN (%2$I, ''00000000-0000-0000-0000-000000000000''::uuid))',
    tbl, party_column);
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION gh_private.tenant_rls(regclass, name) FROM PUBLIC;
