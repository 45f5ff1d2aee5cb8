-- Session cache invalidation (docs/security.md, "Session cache"). Each server instance caches the row
-- sessionsRepo.getWithUser reads per request and LISTENs on the channel `gatehouse_auth`; these triggers tell
-- it, at commit (NOTIFY is transactional), what to drop. Payloads: `s:<session id>,...`, `u:<user id>,...`,
-- `p:<party id>,...` (at most 100 ids each, well under NOTIFY's 8000 bytes) or `*` (everything: a role
-- changed, or a table was truncated). Statement-level triggers over transition tables: one bulk delete of
-- expired sessions is a handful of notifications, not one per row.
CREATE FUNCTION gh_private.auth_cache_notify() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  kind text := TG_ARGV[0];             -- 's', 'u', 'p', or '*'
  col name := TG_ARGV[1];              -- the column that names what changed
  ignored text[] := TG_ARGV[2:];       -- columns whose change alone means nothing to a cached session
  ids text[];
BEGIN
  IF kind = '*' OR TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('gatehouse_auth', '*');
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('SELECT array_agg(DISTINCT %I::text) FROM new_rows', col) INTO ids;
  ELSIF TG_OP = 'DELETE' THEN
    EXECUTE format('SELECT array_agg(DISTINCT %I::text) FROM old_rows', col) INTO ids;
  ELSE
    -- An UPDATE names what it changed, apart from the ignored columns (a session's sliding expiry moves
    -- every minute and changes nothing a cache holds true). Old and new rows are paired by `col`; where it
    -- is not unique (user_roles), unequal pairs make more notifications, never fewer.
    EXECUTE format(
      'SELECT array_agg(DISTINCT coalesce(o.k, n.k)) FROM '
      '(SELECT %1$I::text AS k, to_jsonb(r) - $1 AS j FROM old_rows r) o FULL JOIN '
      '(SELECT %1$I::text AS k, to_jsonb(r) - $1 AS j FROM new_rows r) n ON n.k = o.k '
      'WHERE o.j IS DISTINCT FROM n.j', col) INTO ids USING coalesce(ignored, '{}');
  END IF;
  FOR i IN 0 .. coalesce(cardinality(ids), 0) - 1 BY 100 LOOP
    PERFORM pg_notify('gatehouse_auth', kind || ':' || array_to_string(ids[i + 1 : i + 100], ','));
  END LOOP;
  RETURN NULL;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION gh_private.auth_cache_notify() FROM PUBLIC;
--> statement-breakpoint
-- sessions: a revoked or ended session, or one re-authenticated; not its sliding expiry, not a new one.
CREATE TRIGGER auth_cache_update AFTER UPDATE ON sessions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('s', 'id', 'last_seen_at', 'idle_expires_at');
--> statement-breakpoint
CREATE TRIGGER auth_cache_delete AFTER DELETE ON sessions REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('s', 'id');
--> statement-breakpoint
CREATE TRIGGER auth_cache_truncate AFTER TRUNCATE ON sessions
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('*', 'id');
--> statement-breakpoint
-- users: status, name, e-mail (not the time of the last sign-in, written at every sign-in).
CREATE TRIGGER auth_cache_update AFTER UPDATE ON users REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('u', 'id', 'last_sign_in_at');
--> statement-breakpoint
CREATE TRIGGER auth_cache_delete AFTER DELETE ON users REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('u', 'id');
--> statement-breakpoint
CREATE TRIGGER auth_cache_truncate AFTER TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('*', 'id');
--> statement-breakpoint
-- parties: status, name, kind, and the party's own session, 2FA and address policy.
CREATE TRIGGER auth_cache_update AFTER UPDATE ON parties REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('p', 'id');
--> statement-breakpoint
CREATE TRIGGER auth_cache_delete AFTER DELETE ON parties REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('p', 'id');
--> statement-breakpoint
CREATE TRIGGER auth_cache_truncate AFTER TRUNCATE ON parties
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('*', 'id');
--> statement-breakpoint
-- roles: permissions and role policies apply to every holder, so any change empties every cache.
CREATE TRIGGER auth_cache_change AFTER UPDATE OR DELETE OR TRUNCATE ON roles
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('*', 'id');
--> statement-breakpoint
-- user_roles, user_preferences and mfa_totp: about one user each (a second factor's replay step is not).
CREATE TRIGGER auth_cache_insert AFTER INSERT ON user_roles REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('u', 'user_id');
--> statement-breakpoint
CREATE TRIGGER auth_cache_update AFTER UPDATE ON user_roles REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('u', 'user_id');
--> statement-breakpoint
CREATE TRIGGER auth_cache_delete AFTER DELETE ON user_roles REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('u', 'user_id');
--> statement-breakpoint
CREATE TRIGGER auth_cache_truncate AFTER TRUNCATE ON user_roles
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('*', 'user_id');
--> statement-breakpoint
CREATE TRIGGER auth_cache_insert AFTER INSERT ON user_preferences REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('u', 'user_id');
--> statement-breakpoint
CREATE TRIGGER auth_cache_update AFTER UPDATE ON user_preferences REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('u', 'user_id');
--> statement-breakpoint
CREATE TRIGGER auth_cache_delete AFTER DELETE ON user_preferences REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('u', 'user_id');
--> statement-breakpoint
CREATE TRIGGER auth_cache_truncate AFTER TRUNCATE ON user_preferences
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('*', 'user_id');
--> statement-breakpoint
CREATE TRIGGER auth_cache_insert AFTER INSERT ON mfa_totp REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('u', 'user_id');
--> statement-breakpoint
CREATE TRIGGER auth_cache_update AFTER UPDATE ON mfa_totp REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('u', 'user_id', 'last_used_step');
--> statement-breakpoint
CREATE TRIGGER auth_cache_delete AFTER DELETE ON mfa_totp REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('u', 'user_id');
--> statement-breakpoint
CREATE TRIGGER auth_cache_truncate AFTER TRUNCATE ON mfa_totp
  FOR EACH STATEMENT EXECUTE FUNCTION gh_private.auth_cache_notify('*', 'user_id');
