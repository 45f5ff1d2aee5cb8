CREATE TABLE "invoice_queries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"party_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"line_no" integer,
	"reason" text NOT NULL,
	"status" text NOT NULL,
	"raised_by" uuid NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"last_message_at" timestamp with time zone NOT NULL,
	"last_author_side" text NOT NULL,
	"closed_by" uuid,
	"closed_at" timestamp with time zone,
	"resolution" text,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoice_query_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"party_id" uuid NOT NULL,
	"query_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"uploaded_by" uuid NOT NULL,
	"uploaded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoice_query_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"party_id" uuid NOT NULL,
	"query_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"author_side" text NOT NULL,
	"body" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "remittance_lines" (
	"party_id" uuid NOT NULL,
	"remittance_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL,
	"open_minor_at_advice" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "remittances" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"party_id" uuid NOT NULL,
	"reference" text NOT NULL,
	"payment_date" date NOT NULL,
	"currency" text NOT NULL,
	"total_minor" bigint NOT NULL,
	"note" text,
	"submitted_by" uuid NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invoice_queries" ADD CONSTRAINT "invoice_queries_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_queries" ADD CONSTRAINT "invoice_queries_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_queries" ADD CONSTRAINT "invoice_queries_raised_by_users_id_fk" FOREIGN KEY ("raised_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_queries" ADD CONSTRAINT "invoice_queries_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_query_attachments" ADD CONSTRAINT "invoice_query_attachments_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_query_attachments" ADD CONSTRAINT "invoice_query_attachments_query_id_invoice_queries_id_fk" FOREIGN KEY ("query_id") REFERENCES "public"."invoice_queries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_query_attachments" ADD CONSTRAINT "invoice_query_attachments_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_query_messages" ADD CONSTRAINT "invoice_query_messages_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_query_messages" ADD CONSTRAINT "invoice_query_messages_query_id_invoice_queries_id_fk" FOREIGN KEY ("query_id") REFERENCES "public"."invoice_queries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_query_messages" ADD CONSTRAINT "invoice_query_messages_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remittance_lines" ADD CONSTRAINT "remittance_lines_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remittance_lines" ADD CONSTRAINT "remittance_lines_remittance_id_remittances_id_fk" FOREIGN KEY ("remittance_id") REFERENCES "public"."remittances"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remittance_lines" ADD CONSTRAINT "remittance_lines_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remittances" ADD CONSTRAINT "remittances_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remittances" ADD CONSTRAINT "remittances_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invoice_queries_party_idx" ON "invoice_queries" USING btree ("party_id","raised_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "invoice_queries_invoice_idx" ON "invoice_queries" USING btree ("invoice_id");--> statement-breakpoint
CREATE INDEX "invoice_queries_open_idx" ON "invoice_queries" USING btree ("raised_at","id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "invoice_query_attachments_query_idx" ON "invoice_query_attachments" USING btree ("query_id","uploaded_at");--> statement-breakpoint
CREATE INDEX "invoice_query_messages_query_idx" ON "invoice_query_messages" USING btree ("query_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "remittance_lines_key" ON "remittance_lines" USING btree ("party_id","remittance_id","invoice_id");--> statement-breakpoint
CREATE INDEX "remittance_lines_invoice_idx" ON "remittance_lines" USING btree ("invoice_id");--> statement-breakpoint
CREATE INDEX "remittances_party_idx" ON "remittances" USING btree ("party_id","submitted_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
-- Invoice queries and remittance advice are party data like the rest (0017): the party itself, or the
-- system/staff scope, and nothing else.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['invoice_queries', 'invoice_query_messages', 'invoice_query_attachments', 'remittances', 'remittance_lines'] LOOP
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
-- A query's row changes (status, version); its thread, files and remittance advice are history: they are
-- appended to, never edited or deleted.
GRANT SELECT, INSERT, UPDATE ON invoice_queries TO gatehouse_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON invoice_query_messages, invoice_query_attachments, remittances, remittance_lines TO gatehouse_app;
