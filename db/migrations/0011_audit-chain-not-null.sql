-- After 0010's backfill every entry is chained; from now on the trigger fills these.
ALTER TABLE "audit_events" ALTER COLUMN "chain_key" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "chain_seq" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "hash" SET NOT NULL;