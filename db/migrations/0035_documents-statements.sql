CREATE TABLE "payment_allocations" (
	"party_id" uuid NOT NULL,
	"payment_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"party_id" uuid NOT NULL,
	"payment_date" date NOT NULL,
	"currency" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"reference" text,
	"erp_key" text,
	"erp_rev" bigint,
	"synced_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "seller_profile" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"legal_name" text DEFAULT '' NOT NULL,
	"address" text DEFAULT '' NOT NULL,
	"tax_id" text,
	"bank_details" text,
	"payment_instructions" text,
	"payment_terms" text,
	"logo_base64" text,
	"logo_type" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "seller_profile_one_row" CHECK (id = 1)
);
--> statement-breakpoint
CREATE TABLE "erp_staging"."payments" (
	"loader" text DEFAULT current_user NOT NULL,
	"batch_id" text NOT NULL,
	"seq" integer NOT NULL,
	"row" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_loader_batch_id_seq_pk" PRIMARY KEY("loader","batch_id","seq")
);
--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "erp_pdf_sha256" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "erp_pdf_sha256" text;--> statement-breakpoint
ALTER TABLE "shipments" ADD COLUMN "erp_pdf_sha256" text;--> statement-breakpoint
ALTER TABLE "parties" ADD COLUMN "tax_id" text;--> statement-breakpoint
ALTER TABLE "purchase_orders" ADD COLUMN "erp_pdf_sha256" text;--> statement-breakpoint
ALTER TABLE "payment_allocations" ADD CONSTRAINT "payment_allocations_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_allocations" ADD CONSTRAINT "payment_allocations_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_allocations" ADD CONSTRAINT "payment_allocations_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "seller_profile" ADD CONSTRAINT "seller_profile_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "payment_allocations_key" ON "payment_allocations" USING btree ("party_id","payment_id","invoice_id");--> statement-breakpoint
CREATE INDEX "payment_allocations_payment_idx" ON "payment_allocations" USING btree ("payment_id");--> statement-breakpoint
CREATE INDEX "payment_allocations_invoice_idx" ON "payment_allocations" USING btree ("party_id","invoice_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_erp_key" ON "payments" USING btree ("erp_key");--> statement-breakpoint
CREATE INDEX "payments_party_date_idx" ON "payments" USING btree ("party_id","payment_date","id");--> statement-breakpoint
CREATE INDEX "payments_created_idx" ON "erp_staging"."payments" USING btree ("created_at");--> statement-breakpoint
-- Payments and their allocations are party data mirrored from the ERP (issue 18): ENABLE + FORCE RLS with
-- the one-check policy of 0003. The app only reads them; the mirror writer (gatehouse_sync) writes them.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['payments', 'payment_allocations'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I AS PERMISSIVE FOR ALL TO gatehouse_app '
      'USING ((SELECT public.gh_ctx()) IN (party_id, ''00000000-0000-0000-0000-000000000000''::uuid)) '
      'WITH CHECK ((SELECT public.gh_ctx()) IN (party_id, ''00000000-0000-0000-0000-000000000000''::uuid))', t);
    EXECUTE format(
      'CREATE POLICY sync_all_parties ON %I AS PERMISSIVE FOR ALL TO gatehouse_sync '
      'USING ((SELECT public.gh_ctx()) = ''00000000-0000-0000-0000-000000000000''::uuid) '
      'WITH CHECK ((SELECT public.gh_ctx()) = ''00000000-0000-0000-0000-000000000000''::uuid)', t);
  END LOOP;
END
$$;
--> statement-breakpoint
-- The app reads payments; it inserts them only for demo data (seed-demo runs under the system scope).
GRANT SELECT, INSERT ON payments, payment_allocations TO gatehouse_app;
--> statement-breakpoint
-- Payments are headers (never deleted); allocations are replaced with their payment, like lines.
GRANT SELECT, INSERT, UPDATE ON payments TO gatehouse_sync;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON payment_allocations TO gatehouse_sync;
--> statement-breakpoint
-- The seller's identity is printed on every party's documents: every context may read the one row; only
-- the all-parties context (a system admin's change) writes it. The ERP mirror never touches it.
ALTER TABLE seller_profile ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE seller_profile FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY read_all ON seller_profile AS PERMISSIVE FOR SELECT TO gatehouse_app USING (true);
--> statement-breakpoint
CREATE POLICY system_writes ON seller_profile AS PERMISSIVE FOR INSERT TO gatehouse_app
  WITH CHECK ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid);
--> statement-breakpoint
CREATE POLICY system_updates ON seller_profile AS PERMISSIVE FOR UPDATE TO gatehouse_app
  USING ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid)
  WITH CHECK ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON seller_profile TO gatehouse_app;
--> statement-breakpoint
-- SQL staging (0029) carries payments like every batch entity: the same envelope checks, grants and policies.
ALTER TABLE "erp_staging"."manifests" DROP CONSTRAINT "manifests_entity";
--> statement-breakpoint
ALTER TABLE "erp_staging"."manifests" ADD CONSTRAINT "manifests_entity" CHECK ("entity" IN
  ('parties', 'master-data', 'credit-limits', 'orders', 'invoices', 'shipments', 'purchase-orders', 'payments'));
--> statement-breakpoint
ALTER TABLE erp_staging.payments ADD CONSTRAINT payments_seq CHECK (seq >= 1);
--> statement-breakpoint
ALTER TABLE erp_staging.payments ADD CONSTRAINT payments_batch_id CHECK (batch_id ~ '^[A-Za-z0-9._:-]{1,100}$');
--> statement-breakpoint
GRANT INSERT (batch_id, seq, "row") ON erp_staging.payments TO gatehouse_loaders;
--> statement-breakpoint
GRANT SELECT, DELETE ON erp_staging.payments TO gatehouse_sync;
--> statement-breakpoint
ALTER TABLE erp_staging.payments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE erp_staging.payments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY loader_inserts_own ON erp_staging.payments AS PERMISSIVE FOR INSERT TO gatehouse_loaders
  WITH CHECK (loader = current_user);
--> statement-breakpoint
CREATE POLICY sync_all_loaders ON erp_staging.payments AS PERMISSIVE FOR ALL TO gatehouse_sync
  USING ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid)
  WITH CHECK ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid);
