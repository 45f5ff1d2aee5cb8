CREATE TABLE "change_request_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"party_id" uuid NOT NULL,
	"change_request_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"uploaded_by" uuid NOT NULL,
	"uploaded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "change_request_attachments" ADD CONSTRAINT "change_request_attachments_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_request_attachments" ADD CONSTRAINT "change_request_attachments_change_request_id_change_requests_id_fk" FOREIGN KEY ("change_request_id") REFERENCES "public"."change_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_request_attachments" ADD CONSTRAINT "change_request_attachments_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "change_request_attachments_request_idx" ON "change_request_attachments" USING btree ("change_request_id","uploaded_at");--> statement-breakpoint
-- Party data like the rest (0017): the party itself, or the system/staff scope, and nothing else.
ALTER TABLE change_request_attachments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE change_request_attachments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON change_request_attachments AS PERMISSIVE FOR ALL TO gatehouse_app
  USING ((SELECT public.gh_ctx()) IN (party_id, '00000000-0000-0000-0000-000000000000'::uuid))
  WITH CHECK ((SELECT public.gh_ctx()) IN (party_id, '00000000-0000-0000-0000-000000000000'::uuid));
--> statement-breakpoint
-- What the approvers saw is history: appended, never edited or deleted.
GRANT SELECT, INSERT ON change_request_attachments TO gatehouse_app;
