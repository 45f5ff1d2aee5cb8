CREATE TABLE "invitations" (
	"id" text PRIMARY KEY NOT NULL,
	"party_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"secret_hash" text NOT NULL,
	"invited_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "parties" ADD COLUMN "require_totp" boolean;--> statement-breakpoint
ALTER TABLE "parties" ADD COLUMN "session_idle_minutes" integer;--> statement-breakpoint
ALTER TABLE "parties" ADD COLUMN "session_absolute_hours" integer;--> statement-breakpoint
ALTER TABLE "parties" ADD COLUMN "ip_allowlist" text[];--> statement-breakpoint
ALTER TABLE "roles" ADD COLUMN "require_totp" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "roles" ADD COLUMN "session_idle_minutes" integer;--> statement-breakpoint
ALTER TABLE "roles" ADD COLUMN "session_absolute_hours" integer;--> statement-breakpoint
ALTER TABLE "roles" ADD COLUMN "ip_allowlist" text[];--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "recent_auth_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invitations_user_idx" ON "invitations" USING btree ("party_id","user_id");--> statement-breakpoint
-- Invitations are party data: ENABLE + FORCE RLS with the one-check policy of 0003.
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON invitations AS PERMISSIVE FOR ALL TO gatehouse_app
  USING ((SELECT public.gh_ctx()) IN (party_id, '00000000-0000-0000-0000-000000000000'::uuid))
  WITH CHECK ((SELECT public.gh_ctx()) IN (party_id, '00000000-0000-0000-0000-000000000000'::uuid));--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON invitations TO gatehouse_app;--> statement-breakpoint
-- Role policies are edited by system admins through the app (policies.setRole): the app may update
-- exactly these columns of roles, never a role's key, kind or permissions here.
GRANT UPDATE (require_totp, session_idle_minutes, session_absolute_hours, ip_allowlist) ON roles TO gatehouse_app;--> statement-breakpoint
-- Existing installs: the defaults of BUILT_IN_ROLES (new installs get them when migrate.ts seeds roles):
-- a second factor for internal staff and customer/supplier admins; system admins on a shorter session.
UPDATE roles SET require_totp = true
  WHERE key IN ('customer-admin', 'supplier-admin', 'operator', 'approver', 'auditor', 'system-admin');--> statement-breakpoint
UPDATE roles SET session_idle_minutes = 15, session_absolute_hours = 8 WHERE key = 'system-admin';
