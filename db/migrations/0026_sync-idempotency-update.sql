-- The mirror writer replaces an idempotency record past its retention that the daily prune has not removed
-- yet (INSERT … ON CONFLICT DO UPDATE), so the key can be used again: that needs UPDATE, and only on it.
GRANT UPDATE ON idempotency_keys TO gatehouse_sync;
--> statement-breakpoint
-- gh_ctx() is NULL without a context, and NULL <> x is not true: 0023's check let a context-less call
-- through. IS DISTINCT FROM refuses it.
CREATE OR REPLACE FUNCTION public.gh_mail_party_admins(p_party uuid, p_subject text, p_body text, p_kind text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE n integer;
BEGIN
  IF (SELECT public.gh_ctx()) IS DISTINCT FROM '00000000-0000-0000-0000-000000000000'::uuid THEN
    RAISE EXCEPTION 'mail_party_admins needs the all-parties context';
  END IF;
  INSERT INTO public.mail_outbox (to_address, subject, body_text, kind)
  SELECT DISTINCT u.email, p_subject, p_body, p_kind
    FROM public.users u
    JOIN public.user_roles ur ON ur.user_id = u.id AND ur.party_id = u.party_id
    JOIN public.roles r ON r.id = ur.role_id
   WHERE u.party_id = p_party AND u.status = 'active' AND 'users:manage' = ANY (r.permissions);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;
