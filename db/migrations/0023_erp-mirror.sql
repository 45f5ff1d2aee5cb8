CREATE TABLE "invoice_lines" (
	"party_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"sku" text,
	"description" text NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	"uom" text,
	"unit_price_minor" bigint NOT NULL,
	"unit_price" numeric(20, 6),
	"amount_minor" bigint NOT NULL,
	"tax_minor" bigint
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"integration_id" uuid NOT NULL,
	"endpoint" text NOT NULL,
	"key" text NOT NULL,
	"request_sha256" text NOT NULL,
	"status" smallint NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_integration_id_endpoint_key_pk" PRIMARY KEY("integration_id","endpoint","key")
);
--> statement-breakpoint
CREATE TABLE "erp_pending_echoes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"party_id" uuid NOT NULL,
	"field" text NOT NULL,
	"value" jsonb NOT NULL,
	"previous" jsonb,
	"event_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone,
	"outcome" text
);
--> statement-breakpoint
DROP INDEX "shipment_lines_key";--> statement-breakpoint
ALTER TABLE "shipments" ALTER COLUMN "order_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "kind" text DEFAULT 'invoice' NOT NULL CHECK ("kind" IN ('invoice', 'credit-note'));--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "legal_number" text;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "erp_key" text;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "erp_rev" bigint;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "synced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "order_lines" ADD COLUMN "uom" text;--> statement-breakpoint
ALTER TABLE "order_lines" ADD COLUMN "unit_price" numeric(20, 6);--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "net_minor" bigint;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "erp_key" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "erp_rev" bigint;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "synced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "shipment_lines" ADD COLUMN "order_id" uuid;--> statement-breakpoint
-- Existing lines ship against their shipment's one order.
UPDATE "shipment_lines" sl SET "order_id" = s."order_id" FROM "shipments" s WHERE s."id" = sl."shipment_id";--> statement-breakpoint
ALTER TABLE "shipment_lines" ALTER COLUMN "order_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "shipments" ADD COLUMN "erp_key" text;--> statement-breakpoint
ALTER TABLE "shipments" ADD COLUMN "erp_rev" bigint;--> statement-breakpoint
ALTER TABLE "shipments" ADD COLUMN "synced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "suspend_inactive" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "parties" ADD COLUMN "suspended_by_erp" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "parties" ADD COLUMN "erp_key" text;--> statement-breakpoint
ALTER TABLE "parties" ADD COLUMN "erp_rev" bigint;--> statement-breakpoint
ALTER TABLE "parties" ADD COLUMN "synced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "party_master_data" ADD COLUMN "erp_rev" bigint;--> statement-breakpoint
ALTER TABLE "party_master_data" ADD COLUMN "synced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "purchase_order_lines" ADD COLUMN "uom" text;--> statement-breakpoint
ALTER TABLE "purchase_order_lines" ADD COLUMN "unit_price" numeric(20, 6);--> statement-breakpoint
ALTER TABLE "purchase_orders" ADD COLUMN "erp_key" text;--> statement-breakpoint
ALTER TABLE "purchase_orders" ADD COLUMN "erp_rev" bigint;--> statement-breakpoint
ALTER TABLE "purchase_orders" ADD COLUMN "synced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erp_pending_echoes" ADD CONSTRAINT "erp_pending_echoes_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_lines_key" ON "invoice_lines" USING btree ("party_id","invoice_id","line_no");--> statement-breakpoint
CREATE INDEX "idempotency_keys_expiry_idx" ON "idempotency_keys" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "erp_pending_echoes_open_key" ON "erp_pending_echoes" USING btree ("party_id","field") WHERE settled_at is null;--> statement-breakpoint
ALTER TABLE "shipment_lines" ADD CONSTRAINT "shipment_lines_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_erp_key" ON "invoices" USING btree ("erp_key");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_erp_key" ON "orders" USING btree ("erp_key");--> statement-breakpoint
CREATE INDEX "shipment_lines_order_idx" ON "shipment_lines" USING btree ("party_id","order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "shipments_erp_key" ON "shipments" USING btree ("erp_key");--> statement-breakpoint
CREATE UNIQUE INDEX "parties_erp_key" ON "parties" USING btree ("erp_key");--> statement-breakpoint
CREATE UNIQUE INDEX "parties_kind_erp_ref_key" ON "parties" USING btree ("kind","erp_ref") WHERE erp_ref is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "purchase_orders_erp_key" ON "purchase_orders" USING btree ("erp_key");--> statement-breakpoint
CREATE UNIQUE INDEX "shipment_lines_key" ON "shipment_lines" USING btree ("party_id","shipment_id","order_id","order_line_no");--> statement-breakpoint
-- Invoice lines are party data like order lines: ENABLE + FORCE RLS with the one-check policy of 0003.
ALTER TABLE invoice_lines ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE invoice_lines FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON invoice_lines AS PERMISSIVE FOR ALL TO gatehouse_app
  USING ((SELECT public.gh_ctx()) IN (party_id, '00000000-0000-0000-0000-000000000000'::uuid))
  WITH CHECK ((SELECT public.gh_ctx()) IN (party_id, '00000000-0000-0000-0000-000000000000'::uuid));
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON invoice_lines TO gatehouse_app;
--> statement-breakpoint
-- Pending echoes are party data: the decision that makes one runs in the party's or the staff's context.
ALTER TABLE erp_pending_echoes ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE erp_pending_echoes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON erp_pending_echoes AS PERMISSIVE FOR ALL TO gatehouse_app
  USING ((SELECT public.gh_ctx()) IN (party_id, '00000000-0000-0000-0000-000000000000'::uuid))
  WITH CHECK ((SELECT public.gh_ctx()) IN (party_id, '00000000-0000-0000-0000-000000000000'::uuid));
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON erp_pending_echoes TO gatehouse_app;
--> statement-breakpoint
-- Idempotency records are system data: only the all-parties context reaches them.
ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY system_only ON idempotency_keys AS PERMISSIVE FOR ALL TO gatehouse_app
  USING ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid)
  WITH CHECK ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid);
--> statement-breakpoint
GRANT SELECT, DELETE ON idempotency_keys TO gatehouse_app;
--> statement-breakpoint
-- The mirror writer (gatehouse_sync): invoice lines like the other lines; it settles pending echoes and
-- writes the idempotency record in the batch's own transaction. Still nothing of users, sessions, roles,
-- approvals, change requests, mail or the audit trail.
GRANT SELECT, INSERT, UPDATE, DELETE ON invoice_lines TO gatehouse_sync;
--> statement-breakpoint
GRANT SELECT, UPDATE ON erp_pending_echoes TO gatehouse_sync;
--> statement-breakpoint
GRANT SELECT, INSERT ON idempotency_keys TO gatehouse_sync;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['invoice_lines', 'erp_pending_echoes', 'idempotency_keys'] LOOP
    EXECUTE format(
      'CREATE POLICY sync_all_parties ON %I AS PERMISSIVE FOR ALL TO gatehouse_sync '
      'USING ((SELECT public.gh_ctx()) = ''00000000-0000-0000-0000-000000000000''::uuid) '
      'WITH CHECK ((SELECT public.gh_ctx()) = ''00000000-0000-0000-0000-000000000000''::uuid)', t);
  END LOOP;
END
$$;
--> statement-breakpoint
-- When the ERP changes a supplier's bank details itself, the supplier's admins must hear of it (an
-- anti-fraud notice ERP staff cannot suppress). The writer may not read users or roles, so it asks this
-- function, which runs as the owner and can do exactly one thing: queue one mail to each active user of the
-- party who administers its users. Returns how many mails it queued.
CREATE FUNCTION public.gh_mail_party_admins(p_party uuid, p_subject text, p_body text, p_kind text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE n integer;
BEGIN
  IF (SELECT public.gh_ctx()) <> '00000000-0000-0000-0000-000000000000'::uuid THEN
    RAISE EXCEPTION 'mail_party_admins needs the all-parties context';
  END IF;
  INSERT INTO public.mail_outbox (to_address, subject, body_text, kind)
  SELECT DISTINCT u.email, p_subject, p_body, p_kind
    FROM public.users u
    JOIN public.user_roles ur ON ur.user_id = u.id AND ur.party_id = u.party_id
    JOIN public.roles r ON r.id = ur.role_id
   WHERE u.party_id = p_party AND u.status = 'active' AND 'users:manage' = ANY (r.permissions);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION public.gh_mail_party_admins(uuid, text, text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.gh_mail_party_admins(uuid, text, text, text) TO gatehouse_sync;
