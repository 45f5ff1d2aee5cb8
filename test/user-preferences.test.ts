import { describe, expect, it } from 'vitest';
import { client, createPartyWithUser, errorOf, signedInMe, useTestServer } from './support/harness.ts';

/**
 * A user's language and time zone (docs/i18n.md): none until first set, then on every sign-in's `me`;
 * only the caller's own row, only a shipped language and a real IANA zone, audited with before and after.
 */
const t = useTestServer();

describe('auth.setPreferences', () => {
  it('stores the caller’s own language and zone, shown by every later session, and audits the change', async () => {
    const a = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const b = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const ca = client(t.srv.origin);
    const me = signedInMe(await ca.auth.login.mutate({ email: a.email, password: a.password }));
    expect(me.preferences).toBeNull();

    const set = await ca.auth.setPreferences.mutate({ locale: 'de', timeZone: 'Europe/Berlin' });
    expect(set.preferences).toEqual({ locale: 'de', timeZone: 'Europe/Berlin' });
    expect((await ca.auth.session.query())?.preferences).toEqual({ locale: 'de', timeZone: 'Europe/Berlin' });
    await ca.auth.setPreferences.mutate({ locale: 'en', timeZone: 'America/New_York' });

    // A new sign-in (another device) starts with them.
    const again = signedInMe(await client(t.srv.origin).auth.login.mutate({ email: a.email, password: a.password }));
    expect(again.preferences).toEqual({ locale: 'en', timeZone: 'America/New_York' });
    // Nobody else's changed.
    const other = signedInMe(await client(t.srv.origin).auth.login.mutate({ email: b.email, password: b.password }));
    expect(other.preferences).toBeNull();

    const audit = await t.owner`select details from audit_events
                                where action = 'user.preferences_changed' and entity_id = ${a.userId}
                                order by at`;
    expect(audit.map((r) => r.details)).toEqual([
      { before: null, after: { locale: 'de', timeZone: 'Europe/Berlin' } },
      { before: { locale: 'de', timeZone: 'Europe/Berlin' }, after: { locale: 'en', timeZone: 'America/New_York' } },
    ]);
  });

  it('refuses a language without a catalogue, a made-up zone, and anyone signed out', async () => {
    const a = await createPartyWithUser(t.srv.db, 'supplier', ['supplier-user']);
    const ca = client(t.srv.origin);
    await ca.auth.login.mutate({ email: a.email, password: a.password });
    const bad = [
      { locale: 'fr', timeZone: 'Europe/Paris' },
      { locale: 'de', timeZone: 'Mars/Olympus_Mons' },
      { locale: 'de', timeZone: '' },
    ];
    for (const input of bad) {
      // @ts-expect-error: 'fr' is not a shipped language (the server must say so too).
      expect((await errorOf(ca.auth.setPreferences.mutate(input))).code, JSON.stringify(input)).toBe('BAD_REQUEST');
    }
    expect(
      (await errorOf(client(t.srv.origin).auth.setPreferences.mutate({ locale: 'de', timeZone: 'UTC' }))).code,
    ).toBe('UNAUTHORIZED');
    const [row] = await t.owner`select count(*)::int as n from user_preferences where user_id = ${a.userId}`;
    expect(row?.n).toBe(0);
  });
});
