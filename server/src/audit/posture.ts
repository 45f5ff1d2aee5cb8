import type { ServerText } from '@gatehouse/contract';
import { backupsRepo, postureRepo } from '@gatehouse/db';
import { DEFAULT_THROTTLE } from '../auth/throttle.ts';
import type { Context, ServiceContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { scopeFor } from '../parties/scope.ts';

/**
 * The security posture page: the ERP security checklists (ERPNext's, Optiwise's) turned into live
 * checks. Each item says how things are, what good looks like, and where in the portal to fix it.
 * Staff only (system admins and auditors): it counts across every party.
 *
 * Each text is sent twice: in English as before (API clients, tests) and as a key with values (`text`), which
 * the SPA words from its admin catalogue (admin.posture.<key>, docs/i18n.md) in the reader's language. The
 * English strings below and the catalogue's English messages say the same.
 */
type Status = 'good' | 'warn' | 'bad' | 'info';
type Row = { label: string; value: string; status: Status; text?: { label?: ServerText; value?: ServerText } };
export interface PostureItem {
  key: string;
  title: string;
  status: Status;
  summary: string;
  good: string;
  fixAt: string | null;
  rows: Row[];
  text: { summary: ServerText; good: ServerText };
}

/** A text by key, relative to admin.posture. (the SPA's catalogue). */
const msg = (key: string, values: ServerText['values'] = {}): ServerText => ({ key, values });

export async function posture(ctx: ServiceContext): Promise<{ generatedAt: Date; items: PostureItem[] }> {
  const scope = ctx.scope;
  if (scope.kind !== 'all') throw new DomainError('FORBIDDEN', { key: 'staff.postureStaffOnly', values: {} });
  const now = new Date(ctx.clock.now());
  const dormantDays = ctx.config.dormantDays > 0 ? Math.min(60, ctx.config.dormantDays) : 60;
  const f = await ctx.db.read(scope, (tx) =>
    postureRepo.figures(tx, now, new Date(now.getTime() - dormantDays * 86_400_000), {
      perAccount: DEFAULT_THROTTLE.failuresPerAccountPerDay,
      perAccountIp: DEFAULT_THROTTLE.consecutivePerAccountIp,
    }),
  );
  const requiredWithout = f.withoutTotpByRole.filter((r) => r.required && r.without > 0);
  const unlisted = f.privileged.filter((r) => r.holders > 0 && !r.allowlisted);
  const topFailures = f.failuresByIp[0]?.failures ?? 0;
  const items: PostureItem[] = [
    {
      key: 'second-factor',
      title: 'Second factor where policy requires it',
      status: requiredWithout.length === 0 ? 'good' : 'bad',
      summary:
        requiredWithout.length === 0
          ? 'Every holder of a role that requires two-factor authentication has it.'
          : `${requiredWithout.reduce((n, r) => n + r.without, 0)} user(s) in roles that require it have no second factor yet (they can only enrol until they do).`,
      good: 'Every staff member and customer/supplier admin signs in with a second factor.',
      fixAt: '/policies',
      rows: f.withoutTotpByRole.map((r) => ({
        label: `${r.name}${r.required ? ' (required)' : ''}`,
        value: `${r.without} of ${r.total} without 2FA`,
        status: r.without === 0 ? 'good' : r.required ? 'bad' : 'info',
        text: {
          ...(r.required ? { label: msg('second-factor.rowRequired', { name: r.name }) } : {}),
          value: msg('second-factor.rowValue', { without: r.without, total: r.total }),
        },
      })),
      text: {
        summary:
          requiredWithout.length === 0
            ? msg('second-factor.summaryAll')
            : msg('second-factor.summaryMissing', { count: requiredWithout.reduce((n, r) => n + r.without, 0) }),
        good: msg('second-factor.good'),
      },
    },
    {
      key: 'system-admins',
      title: 'Number of system administrators',
      status: f.counts.system_admins >= 2 && f.counts.system_admins <= 5 ? 'good' : 'warn',
      summary: `${f.counts.system_admins} active system administrator(s).`,
      good: 'Two to five: enough to cover absence, few enough to watch.',
      fixAt: '/users?role=system-admin',
      rows: [],
      text: {
        summary: msg('system-admins.summary', { count: f.counts.system_admins }),
        good: msg('system-admins.good'),
      },
    },
    {
      key: 'dormant',
      title: 'Dormant accounts',
      status: f.counts.dormant === 0 ? 'good' : 'warn',
      summary: `${f.counts.dormant} of ${f.counts.active_users} active account(s) have not signed in for ${dormantDays} days.`,
      good: `No active account unused for ${dormantDays} days (accounts unused for DORMANT_DAYS are suspended automatically).`,
      fixAt: '/users?status=active',
      rows: [],
      text: {
        summary: msg('dormant.summary', {
          dormant: f.counts.dormant,
          active: f.counts.active_users,
          days: dormantDays,
        }),
        good: msg('dormant.good', { days: dormantDays }),
      },
    },
    {
      key: 'locked',
      title: 'Locked accounts',
      status: f.locked.accounts === 0 ? (f.locked.pairs === 0 ? 'good' : 'info') : 'warn',
      summary: `${f.locked.accounts} account(s) locked for the day; ${f.locked.pairs} account + network pair(s) in back-off.`,
      good: 'None, or only brief back-offs: repeated lockouts mean someone is guessing passwords.',
      fixAt: '/users',
      rows: [],
      text: {
        summary: msg('locked.summary', { accounts: f.locked.accounts, pairs: f.locked.pairs }),
        good: msg('locked.good'),
      },
    },
    {
      key: 'failed-sign-ins',
      title: 'Failed sign-ins in the last 24 hours, by network',
      status: topFailures >= 50 ? 'bad' : topFailures >= 10 ? 'warn' : 'good',
      summary:
        f.failuresByIp.length === 0
          ? 'No failed sign-ins in the last 24 hours.'
          : `${f.failuresByIp.reduce((n, r) => n + r.failures, 0)} failed sign-in(s) from ${f.failuresByIp.length} network(s) (top 10 shown).`,
      good: 'A handful of typos; a single network with dozens of failures across accounts is password spraying.',
      fixAt: '/audit?action=auth.login_failed',
      rows: f.failuresByIp.map((r) => ({
        label: r.ip,
        value: `${r.failures} failure(s), ${r.accounts} known account(s)`,
        status: r.failures >= 50 ? 'bad' : r.failures >= 10 ? 'warn' : 'info',
        text: { value: msg('failed-sign-ins.rowValue', { failures: r.failures, accounts: r.accounts }) },
      })),
      text: {
        summary:
          f.failuresByIp.length === 0
            ? msg('failed-sign-ins.summaryNone')
            : msg('failed-sign-ins.summarySome', {
                failures: f.failuresByIp.reduce((n, r) => n + r.failures, 0),
                networks: f.failuresByIp.length,
              }),
        good: msg('failed-sign-ins.good'),
      },
    },
    {
      key: 'allowlists',
      title: 'IP allowlists on privileged roles',
      status: unlisted.length === 0 ? 'good' : 'warn',
      summary:
        unlisted.length === 0
          ? 'Every internal role with holders is limited to known networks.'
          : `${unlisted.length} internal role(s) with holders can be used from any network.`,
      good: 'System admins (at least) only from the office or VPN networks.',
      fixAt: '/policies',
      rows: f.privileged.map((r) => ({
        label: r.name,
        value: `${r.allowlisted ? 'allowlist set' : 'any network'}, ${r.holders} holder(s)`,
        status: r.allowlisted ? 'good' : r.holders > 0 ? 'warn' : 'info',
        text: {
          value: msg(r.allowlisted ? 'allowlists.rowListed' : 'allowlists.rowAny', { holders: r.holders }),
        },
      })),
      text: {
        summary:
          unlisted.length === 0
            ? msg('allowlists.summaryAll')
            : msg('allowlists.summarySome', { count: unlisted.length }),
        good: msg('allowlists.good'),
      },
    },
    {
      key: 'api-keys',
      title: 'API keys near expiry or unused',
      status: 'info',
      summary: 'Integrations with API keys are not part of this installation yet.',
      good: 'Every key has an owner, an expiry, and was used recently.',
      fixAt: null,
      rows: [],
      text: { summary: msg('api-keys.summary'), good: msg('api-keys.good') },
    },
    await backupItem(ctx, now, scope),
  ];
  return { generatedAt: now, items };
}

const when = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

/** Backups and restore drills as recorded in backup_runs (docs/operations.md, Backups and restore), against the schedule. */
async function backupItem(ctx: Context, now: Date, scope: ReturnType<typeof scopeFor>): Promise<PostureItem> {
  const cfg = ctx.config.backup;
  const { backup, verify } = await ctx.db.read(scope, async (tx) => ({
    backup: await backupsRepo.latest(tx, 'backup'),
    verify: await backupsRepo.latest(tx, 'verify'),
  }));
  const limitMs = (cfg.intervalHours + 2) * 3_600_000;
  const fresh = (d: Date | undefined) => d !== undefined && now.getTime() - d.getTime() <= limitMs;
  const rows: PostureItem['rows'] = [];
  const iso = (d: Date) => d.toISOString();
  const secs = (ms: number) => Number((ms / 1000).toFixed(1));
  const schedule = cfg.recipient
    ? `every ${cfg.intervalHours} h from ${String(cfg.hour).padStart(2, '0')}:00 UTC into ${cfg.dir}${cfg.copyDir ? `, copied to ${cfg.copyDir}` : ''}${cfg.s3 ? `, copied to s3://${cfg.s3.bucket}/${cfg.s3.prefix}` : ''}; keep ${cfg.retain.count} / ${cfg.retain.days} days${cfg.identityFile ? '; drill after each' : '; no identity here, so drills run elsewhere'}`
    : 'not configured (BACKUP_RECIPIENT unset)';
  rows.push({
    label: 'Schedule',
    value: schedule,
    status: cfg.recipient ? 'good' : 'warn',
    text: {
      label: msg('backups.schedule'),
      value: cfg.recipient
        ? msg('backups.scheduleValue', {
            hours: cfg.intervalHours,
            hour: `${String(cfg.hour).padStart(2, '0')}:00`,
            dir: cfg.dir,
            copyDir: cfg.copyDir || 'none',
            s3: cfg.s3 ? `s3://${cfg.s3.bucket}/${cfg.s3.prefix}` : 'none',
            count: cfg.retain.count,
            days: cfg.retain.days,
            drill: cfg.identityFile ? 'here' : 'elsewhere',
          })
        : msg('backups.scheduleNone'),
    },
  });
  if (ctx.config.databaseUrl)
    rows.push({
      label: 'Database',
      value: 'external PostgreSQL (DATABASE_URL): back it up with its own tools; Gatehouse backs up files and keys',
      status: 'info',
      text: { label: msg('backups.database'), value: msg('backups.databaseExternal') },
    });
  const b = backup.last;
  if (b)
    rows.push({
      label: 'Last backup',
      value: b.ok
        ? `${when(b.finishedAt)}, ${mb(b.bytes)}, ${(b.durationMs / 1000).toFixed(1)} s (${b.backupId})`
        : `${when(b.finishedAt)} FAILED: ${b.error ?? 'unknown error'}`,
      status: b.ok ? (fresh(b.finishedAt) ? 'good' : 'bad') : 'bad',
      text: {
        label: msg('backups.lastBackup'),
        value: b.ok
          ? msg('backups.lastBackupOk', {
              at: iso(b.finishedAt),
              size: Number((b.bytes / 1_048_576).toFixed(1)),
              seconds: secs(b.durationMs),
              id: b.backupId,
            })
          : msg('backups.lastBackupFailed', { at: iso(b.finishedAt), error: b.error ?? 'unknown error' }),
      },
    });
  if (b && !b.ok && backup.lastOk)
    rows.push({
      label: 'Last good backup',
      value: when(backup.lastOk.finishedAt),
      status: 'warn',
      text: { label: msg('backups.lastGood'), value: msg('backups.instant', { at: iso(backup.lastOk.finishedAt) }) },
    });
  const v = verify.last;
  if (v) {
    rows.push({
      label: 'Last restore drill',
      value: `${when(v.finishedAt)} of ${v.backupId || '(no backup)'}, ${(v.durationMs / 1000).toFixed(1)} s: ${v.ok ? 'passed' : `FAILED: ${v.error ?? ''}`}`,
      status: v.ok ? (fresh(v.finishedAt) ? 'good' : 'warn') : 'bad',
      text: {
        label: msg('backups.lastDrill'),
        value: msg(v.ok ? 'backups.lastDrillPassed' : 'backups.lastDrillFailed', {
          at: iso(v.finishedAt),
          id: v.backupId || '—',
          seconds: secs(v.durationMs),
          error: v.error ?? '',
        }),
      },
    });
    const checks = (v.details.checks ?? []).filter((c) => c.ok);
    for (const c of checks)
      rows.push({
        label: `Checked: ${c.name}`,
        value: c.detail,
        status: 'good',
        text: { label: msg('backups.checked', { name: c.name }) },
      });
  }
  const failed = (b && !b.ok) || (v && !v.ok);
  const status: PostureItem['status'] =
    failed || !fresh(backup.lastOk?.finishedAt) ? 'bad' : fresh(verify.lastOk?.finishedAt) ? 'good' : 'warn';
  const summary = failed
    ? `The last ${b && !b.ok ? 'backup' : 'restore drill'} failed: ${(b && !b.ok ? b.error : v?.error) ?? ''}`
    : !backup.lastOk
      ? cfg.recipient
        ? 'No backup has been taken yet.'
        : 'Backups are not configured: set BACKUP_RECIPIENT (see docs/operations.md, Backups and restore).'
      : !fresh(backup.lastOk.finishedAt)
        ? `The last good backup is from ${when(backup.lastOk.finishedAt)}, older than the schedule allows.`
        : !verify.lastOk
          ? `Backed up ${when(backup.lastOk.finishedAt)}, but no restore drill has passed yet (pnpm gatehouse backup verify).`
          : fresh(verify.lastOk.finishedAt)
            ? `Backed up ${when(backup.lastOk.finishedAt)}; a restore drill passed ${when(verify.lastOk.finishedAt)}.`
            : `Backed up ${when(backup.lastOk.finishedAt)}, but the last passed restore drill is from ${when(verify.lastOk.finishedAt)}.`;
  const summaryText = failed
    ? msg(b && !b.ok ? 'backups.summaryBackupFailed' : 'backups.summaryDrillFailed', {
        error: (b && !b.ok ? b.error : v?.error) ?? '',
      })
    : !backup.lastOk
      ? msg(cfg.recipient ? 'backups.summaryNone' : 'backups.summaryNotConfigured')
      : !fresh(backup.lastOk.finishedAt)
        ? msg('backups.summaryStale', { at: iso(backup.lastOk.finishedAt) })
        : !verify.lastOk
          ? msg('backups.summaryNoDrill', { at: iso(backup.lastOk.finishedAt) })
          : msg(fresh(verify.lastOk.finishedAt) ? 'backups.summaryGood' : 'backups.summaryDrillOld', {
              at: iso(backup.lastOk.finishedAt),
              drillAt: iso(verify.lastOk.finishedAt),
            });
  return {
    key: 'backups',
    title: 'Last backup and last verified restore',
    status,
    summary,
    good: `A backup within its schedule (every ${cfg.intervalHours} h) and a restore drill that passed after it.`,
    fixAt: null,
    rows,
    text: { summary: summaryText, good: msg('backups.good', { hours: cfg.intervalHours }) },
  };
}
