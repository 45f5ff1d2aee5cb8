CREATE TABLE "audit_checkpoints" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"payload" text NOT NULL,
	"signature" text NOT NULL,
	"public_key" text NOT NULL,
	"heads" jsonb NOT NULL
);
--> statement-breakpoint
-- Append-only for everyone, like audit_events: the app may add and read checkpoints, never change them.
GRANT SELECT, INSERT ON audit_checkpoints TO gatehouse_app;--> statement-breakpoint
GRANT USAGE ON SEQUENCE audit_checkpoints_id_seq TO gatehouse_app;--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION gh_private.audit_append_only();--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.audit_append_only();
