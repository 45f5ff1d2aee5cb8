-- gatehouse_sync: the role the ERP mirror writer connects as (issue 14). Least privilege by construction:
-- it reads and writes only the tables the ERP mirrors, appends audit entries and outbox events, and can
-- see nothing of users, sessions, roles, second factors, invitations, approvals, change requests or the
-- audit trail itself. Like gatehouse_app it owns nothing, is no superuser and has no BYPASSRLS, and every
-- table it touches has FORCE ROW LEVEL SECURITY with a policy naming it, opened only by a signed
-- all-parties context (gh_ctx() = nil UUID). Idempotent: roles are cluster-wide (a second database in
-- the same cluster finds it there). It is NOLOGIN until an operator or Gatehouse gives it a password.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gatehouse_sync') THEN
    CREATE ROLE gatehouse_sync NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION;
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO gatehouse_sync;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.gh_ctx() TO gatehouse_sync;
--> statement-breakpoint
-- Headers are mirrored, never deleted (a header missing in the ERP is marked, so its trail stays);
-- lines are pure mirrors and may be replaced.
GRANT SELECT, INSERT, UPDATE ON parties, party_master_data, orders, invoices, shipments, purchase_orders TO gatehouse_sync;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON order_lines, shipment_lines, purchase_order_lines TO gatehouse_sync;
--> statement-breakpoint
-- What it records: one audit entry per batch (the hash chain's trigger is SECURITY DEFINER, so no read of
-- the trail is needed) and outbox events.
GRANT INSERT ON audit_events TO gatehouse_sync;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE audit_events_id_seq TO gatehouse_sync;
--> statement-breakpoint
GRANT SELECT, INSERT ON integration_events TO gatehouse_sync;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE integration_events_id_seq TO gatehouse_sync;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['party_master_data', 'orders', 'order_lines', 'invoices', 'shipments', 'shipment_lines',
                           'purchase_orders', 'purchase_order_lines', 'integration_events'] LOOP
    EXECUTE format(
      'CREATE POLICY sync_all_parties ON %I AS PERMISSIVE FOR ALL TO gatehouse_sync '
      'USING ((SELECT public.gh_ctx()) = ''00000000-0000-0000-0000-000000000000''::uuid) '
      'WITH CHECK ((SELECT public.gh_ctx()) = ''00000000-0000-0000-0000-000000000000''::uuid)', t);
  END LOOP;
END
$$;
--> statement-breakpoint
-- Customer and supplier accounts only: the writer never sees or makes the internal organisation.
CREATE POLICY sync_all_parties ON parties AS PERMISSIVE FOR ALL TO gatehouse_sync
  USING ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid AND kind <> 'internal')
  WITH CHECK ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid AND kind <> 'internal');
--> statement-breakpoint
CREATE POLICY sync_appends ON audit_events AS PERMISSIVE FOR INSERT TO gatehouse_sync
  WITH CHECK ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid);
