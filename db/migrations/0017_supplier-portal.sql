CREATE TABLE "change_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"party_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"proposed" jsonb NOT NULL,
	"previous" jsonb,
	"note" text,
	"requested_by" uuid NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"reason" text,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "document_types" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"categories" text[] DEFAULT '{}'::text[] NOT NULL,
	"requires_expiry" boolean DEFAULT true NOT NULL,
	CONSTRAINT "document_types_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "document_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"party_id" uuid NOT NULL,
	"type_id" uuid NOT NULL,
	"version_no" integer NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"status" text NOT NULL,
	"expires_on" date,
	"expiry_state" text DEFAULT 'current' NOT NULL,
	"uploaded_by" uuid NOT NULL,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reviewer_id" uuid,
	"review_started_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"reason" text
);
--> statement-breakpoint
CREATE TABLE "party_master_data" (
	"party_id" uuid PRIMARY KEY NOT NULL,
	"address" jsonb,
	"bank_details" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"change_request_id" uuid
);
--> statement-breakpoint
CREATE TABLE "purchase_order_lines" (
	"party_id" uuid NOT NULL,
	"purchase_order_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"sku" text NOT NULL,
	"description" text NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	"unit_price_minor" bigint NOT NULL,
	"amount_minor" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "purchase_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"party_id" uuid NOT NULL,
	"number" text NOT NULL,
	"status" text NOT NULL,
	"order_date" date NOT NULL,
	"requested_date" date,
	"promised_date" date,
	"currency" text NOT NULL,
	"total_minor" bigint NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" uuid,
	"problem_note" text,
	"problem_at" timestamp with time zone,
	"problem_by" uuid
);
--> statement-breakpoint
ALTER TABLE "parties" ADD COLUMN "supplier_category" text;--> statement-breakpoint
ALTER TABLE "change_requests" ADD CONSTRAINT "change_requests_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_requests" ADD CONSTRAINT "change_requests_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_requests" ADD CONSTRAINT "change_requests_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_versions" ADD CONSTRAINT "document_versions_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_versions" ADD CONSTRAINT "document_versions_type_id_document_types_id_fk" FOREIGN KEY ("type_id") REFERENCES "public"."document_types"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_versions" ADD CONSTRAINT "document_versions_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_versions" ADD CONSTRAINT "document_versions_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_master_data" ADD CONSTRAINT "party_master_data_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_order_lines" ADD CONSTRAINT "purchase_order_lines_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_order_lines" ADD CONSTRAINT "purchase_order_lines_purchase_order_id_purchase_orders_id_fk" FOREIGN KEY ("purchase_order_id") REFERENCES "public"."purchase_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_orders" ADD CONSTRAINT "purchase_orders_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_orders" ADD CONSTRAINT "purchase_orders_acknowledged_by_users_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_orders" ADD CONSTRAINT "purchase_orders_problem_by_users_id_fk" FOREIGN KEY ("problem_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "change_requests_one_pending_key" ON "change_requests" USING btree ("party_id","kind") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "change_requests_party_idx" ON "change_requests" USING btree ("party_id","requested_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "change_requests_pending_idx" ON "change_requests" USING btree ("requested_at","id") WHERE status = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "document_versions_party_type_version_key" ON "document_versions" USING btree ("party_id","type_id","version_no");--> statement-breakpoint
CREATE INDEX "document_versions_queue_idx" ON "document_versions" USING btree ("uploaded_at","id") WHERE status in ('submitted', 'under-review');--> statement-breakpoint
CREATE INDEX "document_versions_expiry_idx" ON "document_versions" USING btree ("expires_on") WHERE status = 'approved';--> statement-breakpoint
CREATE UNIQUE INDEX "purchase_order_lines_key" ON "purchase_order_lines" USING btree ("party_id","purchase_order_id","line_no");--> statement-breakpoint
CREATE UNIQUE INDEX "purchase_orders_party_number_key" ON "purchase_orders" USING btree ("party_id","number");--> statement-breakpoint
CREATE INDEX "purchase_orders_party_date_idx" ON "purchase_orders" USING btree ("party_id","order_date" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
-- Party data: ENABLE + FORCE RLS with the one-check policy of 0003.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['purchase_orders', 'purchase_order_lines', 'document_versions', 'party_master_data', 'change_requests'] LOOP
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
-- Lines mirror the ERP; versions and requests are history: the app never deletes them.
GRANT SELECT, INSERT, UPDATE ON purchase_orders, purchase_order_lines, document_versions, party_master_data, change_requests TO gatehouse_app;
--> statement-breakpoint
-- The document catalogue is shared reference data: the app reads it; migrations and system admins (later) write it.
GRANT SELECT ON document_types TO gatehouse_app;
--> statement-breakpoint
INSERT INTO document_types (key, name, description, categories, requires_expiry) VALUES
  ('iso-9001', 'ISO 9001 certificate', 'Quality management certificate issued by an accredited body.', '{manufacturing}', true),
  ('liability-insurance', 'Liability insurance', 'Certificate of product and public liability insurance.', '{}', true),
  ('tax-form', 'Tax form', 'Tax residency or VAT registration form.', '{}', false),
  ('iso-14001', 'ISO 14001 certificate', 'Environmental management certificate.', '{manufacturing,chemicals}', true);
