-- The ERP's bank-detail change mail to a party's admins in each admin's language (docs/i18n.md, "Mail"):
-- the caller passes one rendering per language ({"en": {"subject", "body"}, "de": {...}}) and each admin
-- gets the one for their user_preferences.locale (English without one). Replaces the one-text version.
CREATE FUNCTION public.gh_mail_party_admins(p_party uuid, p_mail jsonb, p_kind text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE n integer;
BEGIN
  IF (SELECT public.gh_ctx()) IS DISTINCT FROM '00000000-0000-0000-0000-000000000000'::uuid THEN
    RAISE EXCEPTION 'mail_party_admins needs the all-parties context';
  END IF;
  INSERT INTO public.mail_outbox (to_address, subject, body_text, kind)
  SELECT a.email, a.m ->> 'subject', a.m ->> 'body', p_kind
    FROM (SELECT DISTINCT u.email, coalesce(p_mail -> up.locale, p_mail -> 'en') AS m
            FROM public.users u
            JOIN public.user_roles ur ON ur.user_id = u.id AND ur.party_id = u.party_id
            JOIN public.roles r ON r.id = ur.role_id
            LEFT JOIN public.user_preferences up ON up.user_id = u.id AND up.party_id = u.party_id
           WHERE u.party_id = p_party AND u.status = 'active' AND 'users:manage' = ANY (r.permissions)) a
   WHERE a.m IS NOT NULL;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.gh_mail_party_admins(uuid, jsonb, text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.gh_mail_party_admins(uuid, jsonb, text) TO gatehouse_sync;--> statement-breakpoint
DROP FUNCTION public.gh_mail_party_admins(uuid, text, text, text);
