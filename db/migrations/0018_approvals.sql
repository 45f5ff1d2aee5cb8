CREATE TABLE "approval_policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"type" text NOT NULL,
	"currency" text,
	"version" integer DEFAULT 1 NOT NULL,
	"levels" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
CREATE TABLE "approval_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"party_id" uuid NOT NULL,
	"type" text NOT NULL,
	"title" text NOT NULL,
	"amount_minor" bigint,
	"currency" text,
	"status" text NOT NULL,
	"rule" jsonb NOT NULL,
	"payload" jsonb NOT NULL,
	"previous" jsonb,
	"subject_type" text,
	"subject_id" uuid,
	"current_level" integer DEFAULT 1 NOT NULL,
	"round" integer DEFAULT 1 NOT NULL,
	"submitted_by" uuid NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"last_edited_by" uuid NOT NULL,
	"level_since" timestamp with time zone NOT NULL,
	"reminded_at" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "approval_steps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"party_id" uuid NOT NULL,
	"request_id" uuid NOT NULL,
	"round" integer NOT NULL,
	"level" integer NOT NULL,
	"decision" text NOT NULL,
	"decided_by" uuid,
	"at" timestamp with time zone NOT NULL,
	"reason" text,
	"limit_currency" text,
	"limit_minor" bigint,
	"role" text
);
--> statement-breakpoint
CREATE TABLE "approver_limits" (
	"user_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"max_minor" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "approver_limits_user_id_currency_pk" PRIMARY KEY("user_id","currency")
);
--> statement-breakpoint
ALTER TABLE "parties" ADD COLUMN "credit_limit_minor" bigint;--> statement-breakpoint
ALTER TABLE "parties" ADD COLUMN "credit_currency" text;--> statement-breakpoint
ALTER TABLE "approval_policies" ADD CONSTRAINT "approval_policies_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_last_edited_by_users_id_fk" FOREIGN KEY ("last_edited_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_steps" ADD CONSTRAINT "approval_steps_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_steps" ADD CONSTRAINT "approval_steps_request_id_approval_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."approval_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_steps" ADD CONSTRAINT "approval_steps_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approver_limits" ADD CONSTRAINT "approver_limits_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approver_limits" ADD CONSTRAINT "approver_limits_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "approval_policies_type_currency_key" ON "approval_policies" USING btree ("type",coalesce("currency", ''));--> statement-breakpoint
CREATE INDEX "approval_requests_open_idx" ON "approval_requests" USING btree ("level_since","id") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "approval_requests_party_idx" ON "approval_requests" USING btree ("party_id","submitted_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "approval_requests_subject_idx" ON "approval_requests" USING btree ("subject_type","subject_id");--> statement-breakpoint
CREATE INDEX "approval_steps_request_idx" ON "approval_steps" USING btree ("party_id","request_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "approval_steps_one_decision_key" ON "approval_steps" USING btree ("request_id","round","decided_by") WHERE decision in ('approve', 'reject', 'request-changes');--> statement-breakpoint
-- Requests and their steps are the concerned party's data: ENABLE + FORCE RLS with the one-check policy.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['approval_requests', 'approval_steps'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I AS PERMISSIVE FOR ALL TO gatehouse_app '
      'USING ((SELECT public.gh_ctx()) IN (party_id, ''00000000-0000-0000-0000-000000000000''::uuid)) '
      'WITH CHECK ((SELECT public.gh_ctx()) IN (party_id, ''00000000-0000-0000-0000-000000000000''::uuid))', t);
  END LOOP;
END
$$;
--> statement-breakpoint
-- The trail of decisions is append-only for the app; requests change state but are never deleted.
GRANT SELECT, INSERT ON approval_steps TO gatehouse_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON approval_requests TO gatehouse_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON approval_policies TO gatehouse_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON approver_limits TO gatehouse_app;
--> statement-breakpoint
-- Segregation of duties, enforced a second time under the service: a decision by the request's maker
-- (its submitter or its last editor) is refused by the database itself, whatever the code above does.
CREATE FUNCTION gh_private.approval_step_sod() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE r record;
BEGIN
  IF NEW.decision IN ('approve', 'reject', 'request-changes') THEN
    SELECT submitted_by, last_edited_by INTO r FROM public.approval_requests WHERE id = NEW.request_id;
    IF NEW.decided_by IS NULL OR NEW.decided_by = r.submitted_by OR NEW.decided_by = r.last_edited_by THEN
      RAISE EXCEPTION 'segregation of duties: the maker of an approval request cannot decide it'
        USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER approval_step_sod BEFORE INSERT ON approval_steps
  FOR EACH ROW EXECUTE FUNCTION gh_private.approval_step_sod();
--> statement-breakpoint
-- Shipped policies (system admins change them): bank details need two different approvers (four eyes);
-- credit limits and credit notes in EUR need a second approver from 10,000.00 / 5,000.00.
INSERT INTO approval_policies (type, currency, levels) VALUES
  ('bank-details-change', NULL, '[{"minMinor":null,"maxMinor":null,"roles":["approver"],"approvalsRequired":1,"escalateTo":[]},{"minMinor":null,"maxMinor":null,"roles":["approver"],"approvalsRequired":1,"escalateTo":[]}]'),
  ('credit-limit-change', 'EUR', '[{"minMinor":"0","maxMinor":"1000000","roles":["approver"],"approvalsRequired":1,"escalateTo":[]},{"minMinor":"1000000","maxMinor":null,"roles":["approver"],"approvalsRequired":1,"escalateTo":[]}]'),
  ('credit-note', 'EUR', '[{"minMinor":"0","maxMinor":"500000","roles":["approver"],"approvalsRequired":1,"escalateTo":[]},{"minMinor":"500000","maxMinor":null,"roles":["approver"],"approvalsRequired":1,"escalateTo":[]}]');
