CREATE TABLE "po_thread_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"party_id" uuid NOT NULL,
	"thread_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"uploaded_by" uuid NOT NULL,
	"uploader_side" text NOT NULL,
	"uploaded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "po_thread_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"party_id" uuid NOT NULL,
	"thread_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"author_side" text NOT NULL,
	"kind" text NOT NULL,
	"body" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "po_thread_reads" (
	"party_id" uuid NOT NULL,
	"thread_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"read_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "po_threads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"party_id" uuid NOT NULL,
	"purchase_order_id" uuid NOT NULL,
	"status" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"last_message_at" timestamp with time zone NOT NULL,
	"last_author_side" text NOT NULL,
	"resolved_by" uuid,
	"resolved_at" timestamp with time zone,
	"resolution" text,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "po_thread_attachments" ADD CONSTRAINT "po_thread_attachments_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "po_thread_attachments" ADD CONSTRAINT "po_thread_attachments_thread_id_po_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."po_threads"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "po_thread_attachments" ADD CONSTRAINT "po_thread_attachments_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "po_thread_messages" ADD CONSTRAINT "po_thread_messages_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "po_thread_messages" ADD CONSTRAINT "po_thread_messages_thread_id_po_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."po_threads"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "po_thread_messages" ADD CONSTRAINT "po_thread_messages_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "po_thread_reads" ADD CONSTRAINT "po_thread_reads_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "po_thread_reads" ADD CONSTRAINT "po_thread_reads_thread_id_po_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."po_threads"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "po_thread_reads" ADD CONSTRAINT "po_thread_reads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "po_threads" ADD CONSTRAINT "po_threads_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "po_threads" ADD CONSTRAINT "po_threads_purchase_order_id_purchase_orders_id_fk" FOREIGN KEY ("purchase_order_id") REFERENCES "public"."purchase_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "po_threads" ADD CONSTRAINT "po_threads_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "po_thread_attachments_thread_idx" ON "po_thread_attachments" USING btree ("party_id","thread_id","uploaded_at");--> statement-breakpoint
CREATE INDEX "po_thread_messages_thread_idx" ON "po_thread_messages" USING btree ("party_id","thread_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "po_thread_reads_key" ON "po_thread_reads" USING btree ("party_id","thread_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "po_threads_po_key" ON "po_threads" USING btree ("party_id","purchase_order_id");--> statement-breakpoint
CREATE INDEX "po_threads_open_idx" ON "po_threads" USING btree ("last_message_at") WHERE status = 'open';--> statement-breakpoint
-- Party tables: the same tenant wall as the purchase orders they hang off (0017, 0036).
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['po_threads', 'po_thread_messages', 'po_thread_attachments', 'po_thread_reads'] LOOP
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
-- A thread is resolved, never deleted; its messages and files are a trail (append-only); a reader's
-- marker moves forward (upsert).
GRANT SELECT, INSERT, UPDATE ON po_threads, po_thread_reads TO gatehouse_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON po_thread_messages, po_thread_attachments TO gatehouse_app;
