CREATE TABLE "kinetic_writeback_settings" (
	"connection_id" text PRIMARY KEY NOT NULL,
	"mode" text DEFAULT 'off' NOT NULL,
	"confirm_timeout_ms" integer DEFAULT 86400000 NOT NULL,
	"fanout_cursor" bigint NOT NULL,
	"start_cursor" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kinetic_writebacks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" uuid NOT NULL,
	"type" text NOT NULL,
	"route" text NOT NULL,
	"target" text,
	"request" jsonb,
	"state" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"last_status" integer,
	"last_error" text,
	"last_attempt_at" timestamp with time zone,
	"reference" text,
	"echo_key" text,
	"echo_value" text,
	"sent_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"alerted_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "kinetic_writebacks_event_id_unique" UNIQUE("event_id")
);
--> statement-breakpoint
ALTER TABLE "kinetic_writeback_settings" ADD CONSTRAINT "kinetic_writeback_settings_connection_id_kinetic_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."kinetic_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kinetic_writebacks" ADD CONSTRAINT "kinetic_writebacks_event_id_integration_events_event_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."integration_events"("event_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "kinetic_writebacks_due_idx" ON "kinetic_writebacks" USING btree ("next_attempt_at") WHERE state = 'pending';--> statement-breakpoint
CREATE INDEX "kinetic_writebacks_echo_idx" ON "kinetic_writebacks" USING btree ("echo_key") WHERE state in ('pending', 'sent');--> statement-breakpoint
CREATE INDEX "kinetic_writebacks_state_idx" ON "kinetic_writebacks" USING btree ("state","id");--> statement-breakpoint
-- Write-back state is system data like the connection (0034): only the all-parties context reaches it.
-- Staff set the mode and the write-back worker sends on the app pool; the sync job (gatehouse_sync) only
-- marks rows confirmed when a page it applies carries the ERP's echo.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['kinetic_writeback_settings', 'kinetic_writebacks'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY system_only ON %I AS PERMISSIVE FOR ALL TO gatehouse_app, gatehouse_sync '
      'USING ((SELECT public.gh_ctx()) = ''00000000-0000-0000-0000-000000000000''::uuid) '
      'WITH CHECK ((SELECT public.gh_ctx()) = ''00000000-0000-0000-0000-000000000000''::uuid)', t);
  END LOOP;
END
$$;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON kinetic_writeback_settings, kinetic_writebacks TO gatehouse_app;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE kinetic_writebacks_id_seq TO gatehouse_app;
--> statement-breakpoint
GRANT SELECT, UPDATE (state, confirmed_at) ON kinetic_writebacks TO gatehouse_sync;
