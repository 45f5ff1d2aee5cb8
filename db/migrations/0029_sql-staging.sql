CREATE SCHEMA "erp_staging";
--> statement-breakpoint
CREATE TABLE "erp_staging"."credit_limits" (
	"loader" text DEFAULT current_user NOT NULL,
	"batch_id" text NOT NULL,
	"seq" integer NOT NULL,
	"row" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_limits_loader_batch_id_seq_pk" PRIMARY KEY("loader","batch_id","seq")
);
--> statement-breakpoint
CREATE TABLE "erp_staging"."invoices" (
	"loader" text DEFAULT current_user NOT NULL,
	"batch_id" text NOT NULL,
	"seq" integer NOT NULL,
	"row" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoices_loader_batch_id_seq_pk" PRIMARY KEY("loader","batch_id","seq")
);
--> statement-breakpoint
CREATE TABLE "erp_staging"."master_data" (
	"loader" text DEFAULT current_user NOT NULL,
	"batch_id" text NOT NULL,
	"seq" integer NOT NULL,
	"row" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "master_data_loader_batch_id_seq_pk" PRIMARY KEY("loader","batch_id","seq")
);
--> statement-breakpoint
CREATE TABLE "erp_staging"."orders" (
	"loader" text DEFAULT current_user NOT NULL,
	"batch_id" text NOT NULL,
	"seq" integer NOT NULL,
	"row" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_loader_batch_id_seq_pk" PRIMARY KEY("loader","batch_id","seq")
);
--> statement-breakpoint
CREATE TABLE "erp_staging"."parties" (
	"loader" text DEFAULT current_user NOT NULL,
	"batch_id" text NOT NULL,
	"seq" integer NOT NULL,
	"row" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "parties_loader_batch_id_seq_pk" PRIMARY KEY("loader","batch_id","seq")
);
--> statement-breakpoint
CREATE TABLE "erp_staging"."purchase_orders" (
	"loader" text DEFAULT current_user NOT NULL,
	"batch_id" text NOT NULL,
	"seq" integer NOT NULL,
	"row" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "purchase_orders_loader_batch_id_seq_pk" PRIMARY KEY("loader","batch_id","seq")
);
--> statement-breakpoint
CREATE TABLE "erp_staging"."shipments" (
	"loader" text DEFAULT current_user NOT NULL,
	"batch_id" text NOT NULL,
	"seq" integer NOT NULL,
	"row" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shipments_loader_batch_id_seq_pk" PRIMARY KEY("loader","batch_id","seq")
);
--> statement-breakpoint
CREATE TABLE "erp_staging"."batch_results" (
	"loader" text NOT NULL,
	"batch_id" text NOT NULL,
	"entity" text NOT NULL,
	"mode" text NOT NULL,
	"outcome" text NOT NULL,
	"message" text,
	"row_count" integer NOT NULL,
	"staged_count" integer NOT NULL,
	"counts" jsonb NOT NULL,
	"errors" jsonb NOT NULL,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "batch_results_loader_batch_id_pk" PRIMARY KEY("loader","batch_id")
);
--> statement-breakpoint
CREATE TABLE "erp_staging"."loaders" (
	"name" text PRIMARY KEY NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rotated_at" timestamp with time zone,
	CONSTRAINT "loaders_role_unique" UNIQUE("role")
);
--> statement-breakpoint
CREATE TABLE "erp_staging"."manifests" (
	"loader" text DEFAULT current_user NOT NULL,
	"batch_id" text NOT NULL,
	"entity" text NOT NULL,
	"row_count" integer NOT NULL,
	"mode" text DEFAULT 'atomic' NOT NULL,
	"state" text DEFAULT 'ready' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "manifests_loader_batch_id_pk" PRIMARY KEY("loader","batch_id")
);
--> statement-breakpoint
CREATE INDEX "credit_limits_created_idx" ON "erp_staging"."credit_limits" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "invoices_created_idx" ON "erp_staging"."invoices" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "master_data_created_idx" ON "erp_staging"."master_data" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "orders_created_idx" ON "erp_staging"."orders" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "parties_created_idx" ON "erp_staging"."parties" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "purchase_orders_created_idx" ON "erp_staging"."purchase_orders" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "shipments_created_idx" ON "erp_staging"."shipments" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "batch_results_finished_idx" ON "erp_staging"."batch_results" USING btree ("finished_at");--> statement-breakpoint
CREATE INDEX "manifests_state_idx" ON "erp_staging"."manifests" USING btree ("state","created_at");--> statement-breakpoint
-- SQL staging (issue 15, design note §7.5). Rows are jsonb in the REST batch row shape, validated by the
-- mirror writer with the same zod schemas; the database checks only the envelope.
ALTER TABLE "erp_staging"."manifests" ADD CONSTRAINT "manifests_entity" CHECK ("entity" IN
  ('parties', 'master-data', 'credit-limits', 'orders', 'invoices', 'shipments', 'purchase-orders'));
--> statement-breakpoint
ALTER TABLE "erp_staging"."manifests" ADD CONSTRAINT "manifests_row_count" CHECK ("row_count" BETWEEN 1 AND 2000000);
--> statement-breakpoint
ALTER TABLE "erp_staging"."manifests" ADD CONSTRAINT "manifests_mode" CHECK ("mode" IN ('atomic', 'partial'));
--> statement-breakpoint
ALTER TABLE "erp_staging"."manifests" ADD CONSTRAINT "manifests_state" CHECK ("state" IN ('ready', 'merged', 'rejected', 'failed'));
--> statement-breakpoint
ALTER TABLE "erp_staging"."manifests" ADD CONSTRAINT "manifests_batch_id" CHECK ("batch_id" ~ '^[A-Za-z0-9._:-]{1,100}$');
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['parties', 'master_data', 'credit_limits', 'orders', 'invoices', 'shipments', 'purchase_orders'] LOOP
    EXECUTE format('ALTER TABLE erp_staging.%I ADD CONSTRAINT %I CHECK (seq >= 1)', t, t || '_seq');
    EXECUTE format('ALTER TABLE erp_staging.%I ADD CONSTRAINT %I CHECK (batch_id ~ ''^[A-Za-z0-9._:-]{1,100}$'')', t, t || '_batch_id');
  END LOOP;
END
$$;
--> statement-breakpoint
-- The group every loader login role is a member of: it holds the grants, logs in never. Cluster-wide and
-- idempotent like gatehouse_sync.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gatehouse_loaders') THEN
    CREATE ROLE gatehouse_loaders NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION;
  END IF;
END
$$;
--> statement-breakpoint
REVOKE ALL ON SCHEMA erp_staging FROM PUBLIC;
--> statement-breakpoint
GRANT USAGE ON SCHEMA erp_staging TO gatehouse_loaders, gatehouse_sync;
--> statement-breakpoint
-- Loaders: INSERT of the row fields only (never `loader`, which defaults to the inserting role), the
-- manifest's fields but not its state, and SELECT of their own results. Nothing else, anywhere.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['parties', 'master_data', 'credit_limits', 'orders', 'invoices', 'shipments', 'purchase_orders'] LOOP
    EXECUTE format('GRANT INSERT (batch_id, seq, "row") ON erp_staging.%I TO gatehouse_loaders', t);
    EXECUTE format('GRANT SELECT, DELETE ON erp_staging.%I TO gatehouse_sync', t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['parties', 'master_data', 'credit_limits', 'orders', 'invoices', 'shipments', 'purchase_orders',
                           'manifests'] LOOP
    EXECUTE format('ALTER TABLE erp_staging.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE erp_staging.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY loader_inserts_own ON erp_staging.%I AS PERMISSIVE FOR INSERT TO gatehouse_loaders '
                   'WITH CHECK (loader = current_user)', t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['parties', 'master_data', 'credit_limits', 'orders', 'invoices', 'shipments', 'purchase_orders',
                           'manifests', 'batch_results'] LOOP
    EXECUTE format(
      'CREATE POLICY sync_all_loaders ON erp_staging.%I AS PERMISSIVE FOR ALL TO gatehouse_sync '
      'USING ((SELECT public.gh_ctx()) = ''00000000-0000-0000-0000-000000000000''::uuid) '
      'WITH CHECK ((SELECT public.gh_ctx()) = ''00000000-0000-0000-0000-000000000000''::uuid)', t);
  END LOOP;
END
$$;
--> statement-breakpoint
GRANT INSERT (batch_id, entity, row_count, mode) ON erp_staging.manifests TO gatehouse_loaders;
--> statement-breakpoint
GRANT SELECT, UPDATE (state), DELETE ON erp_staging.manifests TO gatehouse_sync;
--> statement-breakpoint
ALTER TABLE erp_staging.batch_results ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE erp_staging.batch_results FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY loader_reads_own ON erp_staging.batch_results AS PERMISSIVE FOR SELECT TO gatehouse_loaders
  USING (loader = current_user);
--> statement-breakpoint
GRANT SELECT ON erp_staging.batch_results TO gatehouse_loaders;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON erp_staging.batch_results TO gatehouse_sync;
--> statement-breakpoint
-- The registry: written by the owner (the CLI), read by the merge job; loaders cannot see it. No RLS:
-- it holds no party data and only the owner writes it.
GRANT SELECT ON erp_staging.loaders TO gatehouse_sync;
