DROP INDEX "audit_party_at_idx";--> statement-breakpoint
DROP INDEX "audit_at_idx";--> statement-breakpoint
CREATE INDEX "audit_party_action_at_idx" ON "audit_events" USING btree ("party_id","action","at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_actor_at_idx" ON "audit_events" USING btree ("actor_user_id","at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_party_at_idx" ON "audit_events" USING btree ("party_id","at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_at_idx" ON "audit_events" USING btree ("at" DESC NULLS LAST,"id" DESC NULLS LAST);