CREATE TABLE "kinetic_connections" (
	"id" text PRIMARY KEY DEFAULT 'default' NOT NULL,
	"base_url" text NOT NULL,
	"instance" text NOT NULL,
	"company" text NOT NULL,
	"auth_mode" text NOT NULL,
	"username" text NOT NULL,
	"api_key_sealed" text NOT NULL,
	"password_sealed" text NOT NULL,
	"ca_bundle" text,
	"allowed_cidrs" text[] DEFAULT '{}'::text[] NOT NULL,
	"state" text DEFAULT 'ok' NOT NULL,
	"state_reason" text,
	"state_at" timestamp with time zone,
	"settle_ms" integer DEFAULT 120000 NOT NULL,
	"page_size" integer DEFAULT 500 NOT NULL,
	"suspend_inactive" boolean DEFAULT true NOT NULL,
	"reconciled_at" timestamp with time zone,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kinetic_rejects" (
	"connection_id" text NOT NULL,
	"stream" text NOT NULL,
	"erp_key" text NOT NULL,
	"reason" text NOT NULL,
	"row" jsonb NOT NULL,
	"rev" bigint NOT NULL,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "kinetic_rejects_connection_id_stream_erp_key_pk" PRIMARY KEY("connection_id","stream","erp_key")
);
--> statement-breakpoint
CREATE TABLE "kinetic_streams" (
	"connection_id" text NOT NULL,
	"stream" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"mode" text DEFAULT 'bo' NOT NULL,
	"poll_seconds" integer DEFAULT 60 NOT NULL,
	"cursor" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"last_run_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_error" text,
	"last_run_rows" integer DEFAULT 0 NOT NULL,
	"rows_total" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "kinetic_streams_connection_id_stream_pk" PRIMARY KEY("connection_id","stream")
);
--> statement-breakpoint
ALTER TABLE "kinetic_connections" ADD CONSTRAINT "kinetic_connections_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kinetic_rejects" ADD CONSTRAINT "kinetic_rejects_connection_id_kinetic_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."kinetic_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kinetic_streams" ADD CONSTRAINT "kinetic_streams_connection_id_kinetic_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."kinetic_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- The Kinetic connection, its streams and rejects are system data (like webhook endpoints, 0030): only the
-- all-parties context reaches them. Staff configure them on the app pool; the sync job (gatehouse_sync)
-- reads the connection and writes cursors and rejects in the transaction of each page it applies.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['kinetic_connections', 'kinetic_streams', 'kinetic_rejects'] LOOP
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
GRANT SELECT, INSERT, UPDATE ON kinetic_connections, kinetic_streams TO gatehouse_app;
--> statement-breakpoint
GRANT SELECT ON kinetic_rejects TO gatehouse_app;
--> statement-breakpoint
-- The sync job never changes the settings (the auth_failed state is set on the app pool, with its alert).
GRANT SELECT ON kinetic_connections TO gatehouse_sync;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON kinetic_streams TO gatehouse_sync;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON kinetic_rejects TO gatehouse_sync;
