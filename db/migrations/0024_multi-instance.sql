CREATE TABLE "blob_chunks" (
	"content_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "blob_chunks_content_id_seq_pk" PRIMARY KEY("content_id","seq")
);
--> statement-breakpoint
CREATE TABLE "blob_staging" (
	"content_id" uuid PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "blobs" (
	"sha256" text PRIMARY KEY NOT NULL,
	"content_id" uuid NOT NULL,
	"size_bytes" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "blobs_content_id_unique" UNIQUE("content_id")
);
--> statement-breakpoint
CREATE TABLE "job_runs" (
	"name" text PRIMARY KEY NOT NULL,
	"last_started_at" timestamp with time zone NOT NULL,
	"last_started_by" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "blob_staging_created_idx" ON "blob_staging" USING btree ("created_at");--> statement-breakpoint
ALTER TABLE "blobs" ADD CONSTRAINT "blobs_sha256_hex" CHECK ("sha256" ~ '^[0-9a-f]{64}$');
--> statement-breakpoint
-- Uploads are PDF, PNG and JPEG: already compressed, so TOAST need not try (out of line, uncompressed).
ALTER TABLE "blob_chunks" ALTER COLUMN "data" SET STORAGE EXTERNAL;
--> statement-breakpoint
-- Blobs carry no party: they are addressed by hash and reached only through a party-scoped
-- document_versions row, and the same bytes uploaded by two parties are one blob. So they are
-- system data, like integrations: forced RLS lets only the all-parties (system) context read or write
-- them, and a party-scoped transaction, injected SQL included, sees no file bytes at all. The job
-- clock is system data too. Blobs are never updated (content-addressed), so no UPDATE grant.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['blobs', 'blob_staging', 'blob_chunks', 'job_runs'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY system_only ON %I AS PERMISSIVE FOR ALL TO gatehouse_app '
      'USING ((SELECT public.gh_ctx()) = ''00000000-0000-0000-0000-000000000000''::uuid) '
      'WITH CHECK ((SELECT public.gh_ctx()) = ''00000000-0000-0000-0000-000000000000''::uuid)', t);
  END LOOP;
END
$$;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON blobs, blob_staging, blob_chunks TO gatehouse_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON job_runs TO gatehouse_app;
