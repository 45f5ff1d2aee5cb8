import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, useTestServer } from './support/harness.ts';

/**
 * A database error is logged ("procedure failed") without the statement's parameters: the audit insert
 * that failed carried user ids, the IP, the user agent and details, and none of them may reach the log.
 */
const lines: string[] = [];
const t = useTestServer({}, { logTo: { write: (line: string) => void lines.push(line) } });

describe('error logging', () => {
  it('a failed audit insert is logged with its error, never with its parameter values', async () => {
    const admin = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
    const user = await createPartyWithUser(t.srv.db, 'customer', ['customer-user'], { partyId: admin.partyId });
    const userAgent = `LogProbe/${Date.now()} (secret-agent)`;
    const c = client(t.srv.origin, { headers: { 'user-agent': userAgent } });
    await c.auth.login.mutate(admin);
    await t.owner.unsafe(`
      create function pg_temp_fail_log_probe() returns trigger language plpgsql as $$
      begin
        if new.action = 'user.deactivated' then raise exception 'audit storage failed'; end if;
        return new;
      end $$;
      create trigger audit_fails_log_probe before insert on audit_events
        for each row execute function pg_temp_fail_log_probe();`);
    lines.length = 0;
    try {
      expect(await codeOf(c.users.deactivate.mutate({ userId: user.userId }))).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await t.owner.unsafe(
        'drop trigger audit_fails_log_probe on audit_events; drop function pg_temp_fail_log_probe();',
      );
    }
    const failed = lines.filter((l) => l.includes('procedure failed'));
    expect(failed).toHaveLength(1);
    const line = failed[0] ?? '';
    // The error is there to diagnose: what failed and where.
    expect(line).toContain('audit storage failed');
    expect(line).toContain('users.deactivate');
    // None of the values the statement carried.
    for (const value of [admin.userId, user.userId, admin.partyId, userAgent, 'secret-agent', '127.0.0.1']) {
      expect(line).not.toContain(value);
    }
    expect(line).not.toMatch(/"(parameters|params|args)"/);
  });
});
