-- Review finding: the segregation-of-duties trigger of 0018 ran as the migration owner (SECURITY DEFINER),
-- and a non-superuser owner without BYPASSRLS sees no approval_requests row under FORCE RLS, so the check
-- found nothing and let every decision through. It now runs as the inserting role (whose own tenant
-- context must see the request to write a step for it), fails closed when it cannot find the request,
-- and counts everyone who resubmitted the request as one of its makers.
CREATE OR REPLACE FUNCTION gh_private.approval_step_sod() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, public AS $$
DECLARE r record;
BEGIN
  IF NEW.decision IN ('approve', 'reject', 'request-changes') THEN
    SELECT submitted_by, last_edited_by INTO r FROM public.approval_requests WHERE id = NEW.request_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'segregation of duties: approval request % is not visible to check its maker', NEW.request_id
        USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.decided_by IS NULL OR NEW.decided_by = r.submitted_by OR NEW.decided_by = r.last_edited_by
       OR EXISTS (SELECT 1 FROM public.approval_steps s WHERE s.request_id = NEW.request_id
                  AND s.decision = 'resubmitted' AND s.decided_by = NEW.decided_by) THEN
      RAISE EXCEPTION 'segregation of duties: a maker of an approval request cannot decide it'
        USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  RETURN NEW;
END
$$;
