CREATE TABLE "notification_cursors" (
	"source" text PRIMARY KEY NOT NULL,
	"synced_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_sources" (
	"source" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"rev" bigint NOT NULL,
	"notified_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notification_sources_source_entity_id_pk" PRIMARY KEY("source","entity_id")
);
--> statement-breakpoint
CREATE INDEX "invoices_synced_idx" ON "invoices" USING btree ("synced_at") WHERE synced_at is not null;--> statement-breakpoint
CREATE INDEX "shipments_synced_idx" ON "shipments" USING btree ("synced_at") WHERE synced_at is not null;--> statement-breakpoint
CREATE INDEX "purchase_orders_synced_idx" ON "purchase_orders" USING btree ("synced_at") WHERE synced_at is not null;--> statement-breakpoint
-- What the mirror holds already was never news: record it as announced, so the first run after an upgrade
-- tells nobody about years of history (only versions written after this migration are announced).
INSERT INTO notification_sources (source, entity_id, rev, notified_at)
  SELECT 'invoice', id, erp_rev, now()
  FROM invoices WHERE synced_at IS NOT NULL AND erp_rev IS NOT NULL
  UNION ALL
  SELECT 'shipment', id, erp_rev, now() FROM shipments WHERE synced_at IS NOT NULL AND erp_rev IS NOT NULL
  UNION ALL
  SELECT 'purchase-order', id, erp_rev, now() FROM purchase_orders WHERE synced_at IS NOT NULL AND erp_rev IS NOT NULL;
--> statement-breakpoint
-- System data, like job_runs (0024): only a system-scope transaction of the app role sees it. The sync
-- role gets nothing: the job runs as the app, and the mirror writer never notifies.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['notification_sources', 'notification_cursors'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY system_only ON %I AS PERMISSIVE FOR ALL TO gatehouse_app '
      'USING ((SELECT public.gh_ctx()) = ''00000000-0000-0000-0000-000000000000''::uuid) '
      'WITH CHECK ((SELECT public.gh_ctx()) = ''00000000-0000-0000-0000-000000000000''::uuid)', t);
  END LOOP;
END
$$;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON notification_sources, notification_cursors TO gatehouse_app;
