CREATE TABLE "audit_chain_heads" (
	"chain_key" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" "bytea" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "chain_key" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "chain_seq" bigint;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "prev_hash" "bytea";--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "hash" "bytea";--> statement-breakpoint
CREATE UNIQUE INDEX "audit_chain_idx" ON "audit_events" USING btree ("chain_key","chain_seq");--> statement-breakpoint
-- The digest of one entry: SHA-256 over every content field and the previous entry's hash, in a fixed,
-- unambiguous text form (unit separator between fields, microsecond timestamps, canonical jsonb text).
-- Public and pure, so `audit verify` (as the app role) recomputes exactly what the trigger computed.
CREATE FUNCTION public.gh_audit_digest(e audit_events, prev bytea) RETURNS bytea
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp
AS $$
  SELECT sha256(convert_to(concat_ws(E'\x1f',
    e.chain_key, e.chain_seq::text, encode(coalesce(prev, ''::bytea), 'hex'), e.id::text,
    (extract(epoch FROM e.at) * 1000000)::bigint::text, coalesce(e.party_id::text, ''),
    coalesce(e.actor_user_id::text, ''), e.action, coalesce(e.entity_type, ''), coalesce(e.entity_id, ''),
    e.outcome, e.cross_party::text, coalesce(e.request_id, ''), coalesce(e.ip, ''), coalesce(e.user_agent, ''),
    coalesce(e.details::text, '')), 'UTF8'))
$$;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.gh_audit_digest(audit_events, bytea) TO gatehouse_app;--> statement-breakpoint
-- Chains every new entry: the chain's head row is updated (and so row-locked until commit), so one
-- party's entries are numbered in commit order while other parties' chains proceed in parallel.
-- SECURITY DEFINER: the app role has no write access to the heads, only this trigger has.
CREATE FUNCTION gh_private.audit_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  head_seq bigint;
  head_hash bytea;
BEGIN
  NEW.chain_key := coalesce(NEW.party_id::text, 'system');
  INSERT INTO public.audit_chain_heads AS h (chain_key, seq, hash) VALUES (NEW.chain_key, 0, ''::bytea)
    ON CONFLICT (chain_key) DO UPDATE SET seq = h.seq
    RETURNING h.seq, h.hash INTO head_seq, head_hash;
  NEW.chain_seq := head_seq + 1;
  NEW.prev_hash := CASE WHEN head_seq = 0 THEN NULL ELSE head_hash END;
  NEW.hash := public.gh_audit_digest(NEW, NEW.prev_hash);
  UPDATE public.audit_chain_heads SET seq = NEW.chain_seq, hash = NEW.hash WHERE chain_key = NEW.chain_key;
  RETURN NEW;
END
$$;--> statement-breakpoint
-- The maintenance path must apply an UPDATE when switched on (0002 returned OLD, which silently kept the
-- row unchanged); otherwise nothing changes: everyone else is still refused.
CREATE OR REPLACE FUNCTION gh_private.audit_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF current_setting('gatehouse.audit_maintenance', true) = 'on' AND current_user <> 'gatehouse_app' THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;--> statement-breakpoint
-- Entries written before this migration join their chains in id order (a documented maintenance step).
DO $$
DECLARE
  r audit_events;
  head_seq bigint;
  head_hash bytea;
BEGIN
  PERFORM set_config('gatehouse.audit_maintenance', 'on', true);
  FOR r IN SELECT * FROM audit_events ORDER BY id LOOP
    r.chain_key := coalesce(r.party_id::text, 'system');
    SELECT seq, hash INTO head_seq, head_hash FROM audit_chain_heads WHERE chain_key = r.chain_key;
    r.chain_seq := coalesce(head_seq, 0) + 1;
    r.prev_hash := CASE WHEN coalesce(head_seq, 0) = 0 THEN NULL ELSE head_hash END;
    r.hash := public.gh_audit_digest(r, r.prev_hash);
    UPDATE audit_events SET chain_key = r.chain_key, chain_seq = r.chain_seq, prev_hash = r.prev_hash, hash = r.hash
      WHERE id = r.id;
    INSERT INTO audit_chain_heads (chain_key, seq, hash) VALUES (r.chain_key, r.chain_seq, r.hash)
      ON CONFLICT (chain_key) DO UPDATE SET seq = excluded.seq, hash = excluded.hash;
  END LOOP;
  PERFORM set_config('gatehouse.audit_maintenance', 'off', true);
END
$$;--> statement-breakpoint
CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION gh_private.audit_chain();--> statement-breakpoint
-- The app may read the heads (verify checks that no entry is missing at a chain's end), never write them.
GRANT SELECT ON audit_chain_heads TO gatehouse_app;
