CREATE TABLE "backup_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"backup_id" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"ok" boolean NOT NULL,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"duration_ms" integer NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text
);
--> statement-breakpoint
-- Internal data with no party: the app records backups and drills and reads them; nothing rewrites them.
GRANT SELECT, INSERT ON backup_runs TO gatehouse_app;--> statement-breakpoint
GRANT USAGE ON SEQUENCE backup_runs_id_seq TO gatehouse_app;--> statement-breakpoint
CREATE INDEX backup_runs_kind_finished_idx ON backup_runs (kind, finished_at DESC);--> statement-breakpoint
-- Defence in depth: only an all-parties (staff or system) context sees or records them.
ALTER TABLE backup_runs ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE backup_runs FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY staff_only ON backup_runs AS PERMISSIVE FOR ALL TO gatehouse_app
  USING ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid)
  WITH CHECK ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid);
