CREATE TABLE "mail_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"to_address" text NOT NULL,
	"subject" text NOT NULL,
	"body_text" text NOT NULL,
	"kind" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "password_resets" (
	"id" text PRIMARY KEY NOT NULL,
	"party_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"secret_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "mail_outbox_due_idx" ON "mail_outbox" USING btree ("next_attempt_at") WHERE sent_at is null;--> statement-breakpoint
ALTER TABLE mail_outbox ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE mail_outbox FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY system_only ON mail_outbox AS PERMISSIVE FOR ALL TO gatehouse_app
  USING ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid)
  WITH CHECK ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid);
--> statement-breakpoint
-- Any valid context may queue mail (a party's own change can cause one); only the system may read or
-- deliver it. Permissive policies combine with OR, so INSERT passes under either.
CREATE POLICY queue_from_any_context ON mail_outbox AS PERMISSIVE FOR INSERT TO gatehouse_app
  WITH CHECK ((SELECT public.gh_ctx()) IS NOT NULL);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON mail_outbox TO gatehouse_app;
--> statement-breakpoint
ALTER TABLE password_resets ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE password_resets FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON password_resets AS PERMISSIVE FOR ALL TO gatehouse_app
  USING ((SELECT public.gh_ctx()) IN (party_id, '00000000-0000-0000-0000-000000000000'::uuid))
  WITH CHECK ((SELECT public.gh_ctx()) IN (party_id, '00000000-0000-0000-0000-000000000000'::uuid));
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON password_resets TO gatehouse_app;
