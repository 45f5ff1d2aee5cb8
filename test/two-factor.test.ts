import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, jarOf, signedInMe, useTestServer } from './support/harness.ts';

/** TOTP second factor, on the server's controllable clock (time is moved, never waited for). */
const t = useTestServer();

const step = (offset = 0) => Math.floor(t.srv.clock.now() / 30_000) + offset;
const codeAt = (secret: string, s: number) => generateHOTP(decodeBase32IgnorePadding(secret), BigInt(s), 6);

/** A user with TOTP on: returns the secret, its recovery codes, and a signed-in client. */
async function enrolled() {
  const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
  const c = client(t.srv.origin);
  signedInMe(await c.auth.login.mutate(u));
  const { secret, uri } = await c.auth.twoFactor.beginTotp.mutate({ password: u.password });
  expect(uri).toMatch(/^otpauth:\/\/totp\/Gatehouse:.+\?.*secret=/);
  const { recoveryCodes } = await c.auth.twoFactor.confirmTotp.mutate({ code: codeAt(secret, step()) });
  t.srv.clock.advance(30_000); // the enrolment code's step is spent
  return { u, c, secret, recoveryCodes };
}

describe('enrolment', () => {
  it('needs the password again, a correct code from the app, and gives 10 recovery codes once', async () => {
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const c = client(t.srv.origin);
    await c.auth.login.mutate(u);
    expect(await codeOf(c.auth.twoFactor.beginTotp.mutate({ password: 'not the password' }))).toBe('BAD_REQUEST');
    const { secret } = await c.auth.twoFactor.beginTotp.mutate({ password: u.password });
    expect((await c.auth.twoFactor.status.query()).pending).toBe(true);
    const wrong = String((Number(codeAt(secret, step())) + 1) % 1_000_000).padStart(6, '0');
    expect(await codeOf(c.auth.twoFactor.confirmTotp.mutate({ code: wrong }))).toBe('BAD_REQUEST');
    const { recoveryCodes } = await c.auth.twoFactor.confirmTotp.mutate({ code: codeAt(secret, step()) });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect(await c.auth.twoFactor.status.query()).toEqual({ totp: true, pending: false, recoveryCodesLeft: 10 });
    // Already on: a second enrolment cannot silently replace it.
    expect(await codeOf(c.auth.twoFactor.beginTotp.mutate({ password: u.password }))).toBe('CONFLICT');
  });

  it('stores the secret sealed and the recovery codes hashed', async () => {
    const { u, secret, recoveryCodes } = await enrolled();
    const [totp] = await t.owner`select secret_sealed from mfa_totp where user_id = ${u.userId}`;
    expect(totp?.secret_sealed).toMatch(/^v1\./);
    expect(totp?.secret_sealed).not.toContain(secret);
    const codes = await t.owner`select code_hash from mfa_recovery_codes where user_id = ${u.userId}`;
    expect(codes).toHaveLength(10);
    for (const r of codes) for (const code of recoveryCodes) expect(r.code_hash).not.toContain(code);
  });
});

describe('sign-in with a second factor', () => {
  it('a correct password earns a challenge, not a session; the code completes it', async () => {
    const { u, secret } = await enrolled();
    const c = client(t.srv.origin);
    const first = await c.auth.login.mutate(u);
    expect(first.status).toBe('second-factor');
    expect(jarOf(c).has('gh_session')).toBe(false);
    expect(await codeOf(c.auth.me.query())).toBe('UNAUTHORIZED');
    const challenge = first.status === 'second-factor' ? first.challenge : '';
    const done = await c.auth.verifySecondFactor.mutate({ challenge, code: codeAt(secret, step()) });
    expect(signedInMe(done).user.email).toBe(u.email);
    expect(await codeOf(c.auth.me.query())).toBe('OK');
  });

  it('refuses a replayed code (same time step), accepts the next step', async () => {
    const { u, secret } = await enrolled();
    const code = codeAt(secret, step());
    const a = client(t.srv.origin);
    const ca = await a.auth.login.mutate(u);
    await a.auth.verifySecondFactor.mutate({ challenge: ca.status === 'second-factor' ? ca.challenge : '', code });
    const b = client(t.srv.origin);
    const cb = await b.auth.login.mutate(u);
    const challenge = cb.status === 'second-factor' ? cb.challenge : '';
    expect(await codeOf(b.auth.verifySecondFactor.mutate({ challenge, code }))).toBe('UNAUTHORIZED');
    t.srv.clock.advance(30_000);
    expect(await codeOf(b.auth.verifySecondFactor.mutate({ challenge, code: codeAt(secret, step()) }))).toBe('OK');
  });

  it('a challenge is single use and expires after 5 minutes', async () => {
    const anyone = client(t.srv.origin);
    for (const challenge of ['garbage', 'a.b', `${'a'.repeat(24)}.${'b'.repeat(32)}`]) {
      expect(await codeOf(anyone.auth.verifySecondFactor.mutate({ challenge, code: '123456' }))).toBe('UNAUTHORIZED');
    }
    const { u, secret } = await enrolled();
    const c = client(t.srv.origin);
    const r = await c.auth.login.mutate(u);
    const challenge = r.status === 'second-factor' ? r.challenge : '';
    t.srv.clock.advance(5 * 60_000 + 1);
    expect(await codeOf(c.auth.verifySecondFactor.mutate({ challenge, code: codeAt(secret, step()) }))).toBe(
      'UNAUTHORIZED',
    );
    const r2 = await c.auth.login.mutate(u);
    const ch2 = r2.status === 'second-factor' ? r2.challenge : '';
    await c.auth.verifySecondFactor.mutate({ challenge: ch2, code: codeAt(secret, step()) });
    t.srv.clock.advance(30_000);
    const reuse = client(t.srv.origin);
    expect(await codeOf(reuse.auth.verifySecondFactor.mutate({ challenge: ch2, code: codeAt(secret, step()) }))).toBe(
      'UNAUTHORIZED',
    );
  });

  it('a recovery code works once', async () => {
    const { u, recoveryCodes } = await enrolled();
    const code = recoveryCodes[0] as string;
    const c = client(t.srv.origin);
    const r = await c.auth.login.mutate(u);
    await c.auth.verifySecondFactor.mutate({
      challenge: r.status === 'second-factor' ? r.challenge : '',
      recoveryCode: code.toUpperCase(),
    });
    expect((await c.auth.twoFactor.status.query()).recoveryCodesLeft).toBe(9);
    const d = client(t.srv.origin);
    const r2 = await d.auth.login.mutate(u);
    expect(
      await codeOf(
        d.auth.verifySecondFactor.mutate({
          challenge: r2.status === 'second-factor' ? r2.challenge : '',
          recoveryCode: code,
        }),
      ),
    ).toBe('UNAUTHORIZED');
  });

  it('code guessing has its own counter: it locks the code step, not the password step, and vice versa', async () => {
    const { u } = await enrolled();
    const c = client(t.srv.origin);
    const r = await c.auth.login.mutate(u);
    const challenge = r.status === 'second-factor' ? r.challenge : '';
    const results = [];
    for (let i = 0; i < 11; i++)
      results.push(await codeOf(c.auth.verifySecondFactor.mutate({ challenge, code: String(100000 + i) })));
    expect(results.slice(0, 10).every((x) => x === 'UNAUTHORIZED')).toBe(true);
    expect(results[10]).toBe('TOO_MANY_REQUESTS');
    // The password step is untouched by code guessing...
    expect((await client(t.srv.origin).auth.login.mutate(u)).status).toBe('second-factor');
    // ...and four wrong passwords do not lock a fresh user's code step.
    const other = await enrolled();
    for (let i = 0; i < 4; i++)
      await codeOf(client(t.srv.origin).auth.login.mutate({ email: other.u.email, password: 'wrong-wrong-wrong' }));
    const o = client(t.srv.origin);
    const ro = await o.auth.login.mutate(other.u);
    expect(
      await codeOf(
        o.auth.verifySecondFactor.mutate({
          challenge: ro.status === 'second-factor' ? ro.challenge : '',
          code: codeAt(other.secret, step()),
        }),
      ),
    ).toBe('OK');
  });

  it('audits second-factor outcomes without the code', async () => {
    const rows = await t.owner`select action, details from audit_events where action like 'auth.second_factor%'`;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => ['totp', 'recovery-code'].includes(r.details.method))).toBe(true);
  });
});
