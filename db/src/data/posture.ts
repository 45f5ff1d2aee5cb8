import { sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';

/**
 * Live figures for the security posture page (staff scope: across every party). Each is one aggregate
 * over current data; nothing is cached, so the page always says how things are now.
 */
export async function figures(
  tx: Tx,
  now: Date,
  dormantBefore: Date,
  /** The throttle's limits: past them an account (per day) or an account + IP pair is blocked. */
  limits: { perAccount: number; perAccountIp: number },
) {
  const nowIso = now.toISOString();
  const [counts] = await tx.db.execute<{
    system_admins: number;
    dormant: number;
    active_users: number;
    users_without_totp: number;
  }>(sql`
    select
      (select count(distinct u.id)::int from users u join user_roles ur on ur.user_id = u.id join roles r on r.id = ur.role_id
        where u.status = 'active' and r.key = 'system-admin') as system_admins,
      (select count(*)::int from users u where u.status = 'active'
        and coalesce(u.last_sign_in_at, u.created_at) < ${dormantBefore.toISOString()}::timestamptz) as dormant,
      (select count(*)::int from users u where u.status = 'active') as active_users,
      (select count(*)::int from users u where u.status = 'active'
        and not exists (select 1 from mfa_totp m where m.user_id = u.id and m.confirmed_at is not null)) as users_without_totp`);
  const withoutTotpByRole = await tx.db.execute<{
    role: string;
    name: string;
    required: boolean;
    without: number;
    total: number;
  }>(sql`
    select r.key as role, r.name, r.require_totp as required,
           count(*) filter (where not exists (select 1 from mfa_totp m where m.user_id = u.id and m.confirmed_at is not null))::int as without,
           count(*)::int as total
    from users u join user_roles ur on ur.user_id = u.id join roles r on r.id = ur.role_id
    where u.status = 'active'
    group by r.key, r.name, r.require_totp
    order by r.require_totp desc, r.key`);
  const privileged = await tx.db.execute<{ role: string; name: string; allowlisted: boolean; holders: number }>(sql`
    select r.key as role, r.name, r.ip_allowlist is not null as allowlisted,
           (select count(*)::int from user_roles ur join users u on u.id = ur.user_id
             where ur.role_id = r.id and u.status = 'active') as holders
    from roles r where r.party_kind = 'internal' order by r.key`);
  const failuresByIp = await tx.db.execute<{ ip: string; failures: number; accounts: number }>(sql`
    select coalesce(ip, 'unknown') as ip, count(*)::int as failures, count(distinct actor_user_id)::int as accounts
    from audit_events
    where action = 'auth.login_failed' and at >= ${nowIso}::timestamptz - interval '24 hours'
    group by ip order by failures desc limit 10`);
  const [locked] = await tx.db.execute<{ accounts: number; pairs: number }>(sql`
    select
      (select count(*)::int from auth_throttle where key like 'login:acct:%' and expire > ${nowIso}::timestamptz
         and points > ${limits.perAccount}) as accounts,
      (select count(*)::int from auth_throttle where key like 'login:acct-ip:%' and expire > ${nowIso}::timestamptz
         and points > ${limits.perAccountIp}) as pairs`);
  return {
    counts: counts as NonNullable<typeof counts>,
    withoutTotpByRole: [...withoutTotpByRole],
    privileged: [...privileged],
    failuresByIp: [...failuresByIp],
    locked: locked as NonNullable<typeof locked>,
  };
}
