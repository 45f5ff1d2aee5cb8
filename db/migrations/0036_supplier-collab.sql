CREATE TABLE "po_confirmation_lines" (
	"party_id" uuid NOT NULL,
	"confirmation_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"decision" text NOT NULL,
	"schedules" jsonb NOT NULL,
	"committed_quantity" numeric(18, 4) NOT NULL,
	"ordered_quantity" numeric(18, 4) NOT NULL,
	"requested_date" date,
	"reason" text,
	CONSTRAINT "po_confirmation_lines_committed_nonneg" CHECK ("po_confirmation_lines"."committed_quantity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "po_confirmations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"party_id" uuid NOT NULL,
	"purchase_order_id" uuid NOT NULL,
	"round" integer NOT NULL,
	"status" text NOT NULL,
	"has_differences" boolean NOT NULL,
	"submitted_by" uuid NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"decision_reason" text
);
--> statement-breakpoint
CREATE TABLE "ship_notice_lines" (
	"party_id" uuid NOT NULL,
	"ship_notice_id" uuid NOT NULL,
	"purchase_order_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	CONSTRAINT "ship_notice_lines_quantity_positive" CHECK ("ship_notice_lines"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "ship_notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigserial NOT NULL,
	"party_id" uuid NOT NULL,
	"status" text NOT NULL,
	"carrier" text NOT NULL,
	"tracking_ref" text NOT NULL,
	"ship_date" date NOT NULL,
	"packages" integer NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"cancelled_by" uuid,
	"cancelled_at" timestamp with time zone,
	"cancel_reason" text,
	"idempotency_key" text,
	CONSTRAINT "ship_notices_packages_positive" CHECK ("ship_notices"."packages" > 0)
);
--> statement-breakpoint
CREATE TABLE "supplier_invoice_lines" (
	"party_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"purchase_order_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	"unit_price" numeric(20, 6) NOT NULL,
	"amount_minor" bigint NOT NULL,
	"po_unit_price" numeric(20, 6) NOT NULL,
	"shipped" numeric(18, 4) NOT NULL,
	"price_mismatch" boolean NOT NULL,
	"quantity_mismatch" boolean NOT NULL,
	CONSTRAINT "supplier_invoice_lines_quantity_positive" CHECK ("supplier_invoice_lines"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "supplier_invoices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"party_id" uuid NOT NULL,
	"purchase_order_id" uuid NOT NULL,
	"number" text NOT NULL,
	"invoice_date" date NOT NULL,
	"currency" text NOT NULL,
	"total_minor" bigint NOT NULL,
	"status" text NOT NULL,
	"mismatch" boolean NOT NULL,
	"payment_date" date,
	"status_at" timestamp with time zone,
	"erp_note" text,
	"file_name" text,
	"file_sha256" text,
	"file_size_bytes" integer,
	"file_content_type" text,
	"submitted_by" uuid NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "po_confirmation_lines" ADD CONSTRAINT "po_confirmation_lines_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "po_confirmation_lines" ADD CONSTRAINT "po_confirmation_lines_confirmation_id_po_confirmations_id_fk" FOREIGN KEY ("confirmation_id") REFERENCES "public"."po_confirmations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "po_confirmations" ADD CONSTRAINT "po_confirmations_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "po_confirmations" ADD CONSTRAINT "po_confirmations_purchase_order_id_purchase_orders_id_fk" FOREIGN KEY ("purchase_order_id") REFERENCES "public"."purchase_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "po_confirmations" ADD CONSTRAINT "po_confirmations_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "po_confirmations" ADD CONSTRAINT "po_confirmations_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ship_notice_lines" ADD CONSTRAINT "ship_notice_lines_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ship_notice_lines" ADD CONSTRAINT "ship_notice_lines_ship_notice_id_ship_notices_id_fk" FOREIGN KEY ("ship_notice_id") REFERENCES "public"."ship_notices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ship_notice_lines" ADD CONSTRAINT "ship_notice_lines_purchase_order_id_purchase_orders_id_fk" FOREIGN KEY ("purchase_order_id") REFERENCES "public"."purchase_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ship_notices" ADD CONSTRAINT "ship_notices_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ship_notices" ADD CONSTRAINT "ship_notices_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ship_notices" ADD CONSTRAINT "ship_notices_cancelled_by_users_id_fk" FOREIGN KEY ("cancelled_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_invoice_lines" ADD CONSTRAINT "supplier_invoice_lines_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_invoice_lines" ADD CONSTRAINT "supplier_invoice_lines_invoice_id_supplier_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."supplier_invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_invoice_lines" ADD CONSTRAINT "supplier_invoice_lines_purchase_order_id_purchase_orders_id_fk" FOREIGN KEY ("purchase_order_id") REFERENCES "public"."purchase_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_invoices" ADD CONSTRAINT "supplier_invoices_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_invoices" ADD CONSTRAINT "supplier_invoices_purchase_order_id_purchase_orders_id_fk" FOREIGN KEY ("purchase_order_id") REFERENCES "public"."purchase_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_invoices" ADD CONSTRAINT "supplier_invoices_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "po_confirmation_lines_key" ON "po_confirmation_lines" USING btree ("party_id","confirmation_id","line_no");--> statement-breakpoint
CREATE UNIQUE INDEX "po_confirmations_round_key" ON "po_confirmations" USING btree ("party_id","purchase_order_id","round");--> statement-breakpoint
CREATE INDEX "po_confirmations_queue_idx" ON "po_confirmations" USING btree ("submitted_at","id") WHERE status = 'submitted';--> statement-breakpoint
CREATE UNIQUE INDEX "ship_notice_lines_key" ON "ship_notice_lines" USING btree ("party_id","ship_notice_id","purchase_order_id","line_no");--> statement-breakpoint
CREATE INDEX "ship_notice_lines_po_idx" ON "ship_notice_lines" USING btree ("party_id","purchase_order_id","line_no");--> statement-breakpoint
CREATE UNIQUE INDEX "ship_notices_seq_key" ON "ship_notices" USING btree ("seq");--> statement-breakpoint
CREATE UNIQUE INDEX "ship_notices_idempotency_key" ON "ship_notices" USING btree ("party_id","idempotency_key") WHERE idempotency_key is not null;--> statement-breakpoint
CREATE INDEX "ship_notices_party_idx" ON "ship_notices" USING btree ("party_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "supplier_invoice_lines_key" ON "supplier_invoice_lines" USING btree ("party_id","invoice_id","line_no");--> statement-breakpoint
CREATE INDEX "supplier_invoice_lines_po_idx" ON "supplier_invoice_lines" USING btree ("party_id","purchase_order_id","line_no");--> statement-breakpoint
CREATE UNIQUE INDEX "supplier_invoices_number_key" ON "supplier_invoices" USING btree ("party_id","number");--> statement-breakpoint
CREATE INDEX "supplier_invoices_party_idx" ON "supplier_invoices" USING btree ("party_id","submitted_at" DESC NULLS LAST,"id" DESC NULLS LAST);
--> statement-breakpoint
-- Party tables: the same tenant wall as the purchase orders they hang off (0017).
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['po_confirmations', 'po_confirmation_lines', 'ship_notices', 'ship_notice_lines',
                           'supplier_invoices', 'supplier_invoice_lines'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I AS PERMISSIVE FOR ALL TO gatehouse_app '
      'USING ((SELECT public.gh_ctx()) IN (party_id, ''00000000-0000-0000-0000-000000000000''::uuid)) '
      'WITH CHECK ((SELECT public.gh_ctx()) IN (party_id, ''00000000-0000-0000-0000-000000000000''::uuid))', t);
  END LOOP;
END
$$;
--> statement-breakpoint
-- Confirmations, notices and invoices are history: a notice is cancelled, never deleted.
GRANT SELECT, INSERT, UPDATE ON po_confirmations, po_confirmation_lines, ship_notices, ship_notice_lines,
  supplier_invoices, supplier_invoice_lines TO gatehouse_app;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE ship_notices_seq_seq TO gatehouse_app;
