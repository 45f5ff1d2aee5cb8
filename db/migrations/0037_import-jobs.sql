CREATE TABLE "import_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source" text NOT NULL,
	"entity" text NOT NULL,
	"mode" text NOT NULL,
	"dry_run" boolean NOT NULL,
	"encoding" text NOT NULL,
	"file_name" text,
	"phase" text DEFAULT 'upload' NOT NULL,
	"actor_user_id" uuid,
	"key_id" text,
	"sha256" text,
	"bytes_total" bigint,
	"bytes_read" bigint DEFAULT 0 NOT NULL,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"records_total" integer,
	"records_checked" integer DEFAULT 0 NOT NULL,
	"records_applied" integer DEFAULT 0 NOT NULL,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"message" text,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"errors_total" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "import_jobs_one_running_per_source" ON "import_jobs" USING btree ("source") WHERE phase not in ('done', 'failed');--> statement-breakpoint
CREATE INDEX "import_jobs_created_idx" ON "import_jobs" USING btree ("created_at");--> statement-breakpoint
-- Internal data with no party: the app records jobs and their progress; the sync role never sees them.
GRANT SELECT, INSERT, UPDATE ON import_jobs TO gatehouse_app;--> statement-breakpoint
ALTER TABLE import_jobs ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE import_jobs FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY staff_only ON import_jobs AS PERMISSIVE FOR ALL TO gatehouse_app
  USING ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid)
  WITH CHECK ((SELECT public.gh_ctx()) = '00000000-0000-0000-0000-000000000000'::uuid);
