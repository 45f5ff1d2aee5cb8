CREATE TABLE "shipment_lines" (
	"party_id" uuid NOT NULL,
	"shipment_id" uuid NOT NULL,
	"order_line_no" integer NOT NULL,
	"quantity" numeric(18, 4) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shipments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"party_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"number" text NOT NULL,
	"carrier" text NOT NULL,
	"tracking_ref" text,
	"status" text NOT NULL,
	"shipped_on" date NOT NULL,
	"delivered_on" date
);
--> statement-breakpoint
ALTER TABLE "shipment_lines" ADD CONSTRAINT "shipment_lines_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment_lines" ADD CONSTRAINT "shipment_lines_shipment_id_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."shipments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "shipment_lines_key" ON "shipment_lines" USING btree ("party_id","shipment_id","order_line_no");--> statement-breakpoint
CREATE UNIQUE INDEX "shipments_party_number_key" ON "shipments" USING btree ("party_id","number");--> statement-breakpoint
CREATE INDEX "shipments_party_date_idx" ON "shipments" USING btree ("party_id","shipped_on" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "shipments_party_order_idx" ON "shipments" USING btree ("party_id","order_id");--> statement-breakpoint
-- Party data: ENABLE + FORCE RLS with the one-check policy of 0003; the app reads (the ERP integration
-- writes them in a later issue; demo data is loaded under the system scope).
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['shipments', 'shipment_lines'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I AS PERMISSIVE FOR ALL TO gatehouse_app '
      'USING ((SELECT public.gh_ctx()) IN (party_id, ''00000000-0000-0000-0000-000000000000''::uuid)) '
      'WITH CHECK ((SELECT public.gh_ctx()) IN (party_id, ''00000000-0000-0000-0000-000000000000''::uuid))', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO gatehouse_app', t);
  END LOOP;
END
$$;
