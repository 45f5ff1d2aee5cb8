CREATE TABLE "alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"rule" text NOT NULL,
	"severity" text NOT NULL,
	"title" text NOT NULL,
	"details" jsonb,
	"acknowledged_by" uuid,
	"acknowledged_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_acknowledged_by_users_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Internal data with no party: the app may add alerts, read them and acknowledge them (those two columns).
-- Services reach it only with the staff scope (security-posture:read).
GRANT SELECT, INSERT ON alerts TO gatehouse_app;--> statement-breakpoint
GRANT UPDATE (acknowledged_by, acknowledged_at) ON alerts TO gatehouse_app;--> statement-breakpoint
GRANT USAGE ON SEQUENCE alerts_id_seq TO gatehouse_app;
--> statement-breakpoint
-- Defence in depth: only an all-parties (staff or system) context sees or acknowledges alerts.
ALTER TABLE alerts ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE alerts FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY staff_only ON alerts AS PERMISSIVE FOR ALL TO gatehouse_app
  USING ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid)
  WITH CHECK ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid);
