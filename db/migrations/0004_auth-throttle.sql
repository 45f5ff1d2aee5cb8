CREATE TABLE "auth_throttle" (
	"key" text PRIMARY KEY NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"expire" timestamp with time zone
);
--> statement-breakpoint
-- No party data here (hashed keys only): no RLS, explicit grants.
GRANT SELECT, INSERT, UPDATE, DELETE ON auth_throttle TO gatehouse_app;
