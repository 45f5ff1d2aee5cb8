import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { freeLoopbackPort, mailRepo } from '@gatehouse/db';
import { deliverDue } from '@gatehouse/server/testing';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, SYSTEM, startTestServer, useTestServer } from './support/harness.ts';

const t = useTestServer();

/** Waits for the mail worker to write a file whose text matches, and returns that text. */
async function mailFile(match: RegExp, timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const files = await readdir(t.srv.config.mail.fileDir).catch(() => [] as string[]);
    for (const f of files) {
      const text = await readFile(path.join(t.srv.config.mail.fileDir, f), 'utf8');
      if (match.test(text)) return text;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail matching ${match}`);
}
/** The reset token in a mail file (its text part is quoted-printable: soft breaks and =XX escapes). */
const tokenIn = (mail: string) => {
  const text = mail
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  return /reset-password#token=([a-z2-7]+\.[a-z2-7]+)/.exec(text)?.[1] as string;
};
const outboxCount = async (to: string) =>
  Number((await t.owner`select count(*)::int n from mail_outbox where to_address = ${to}`)[0]?.n);

describe('forgot password', () => {
  it('answers the same for an unknown address, and queues nothing', async () => {
    const c = client(t.srv.origin);
    expect(await c.auth.requestPasswordReset.mutate({ email: 'nobody@test.example' })).toEqual({ ok: true });
    expect(await outboxCount('nobody@test.example')).toBe(0);
  });

  it('mails a single-use link; the new password must follow the rules; every session ends', async () => {
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const signedIn = client(t.srv.origin);
    await signedIn.auth.login.mutate(u);
    const c = client(t.srv.origin);
    expect(await c.auth.requestPasswordReset.mutate({ email: u.email })).toEqual({ ok: true });
    const mail = await mailFile(new RegExp(u.email.replace(/[.+]/g, '\\$&')));
    expect(mail).toMatch(/Subject: Reset your Gatehouse password/);
    const token = tokenIn(mail);
    expect(token).toBeDefined();
    const weak = await c.auth.resetPassword.mutate({ token, newPassword: 'short' }).catch((e) => e);
    expect(weak.message).toBe('Use at least 12 characters.');
    expect(await c.auth.resetPassword.mutate({ token, newPassword: 'a completely new passphrase' })).toEqual({
      ok: true,
    });
    expect(await codeOf(signedIn.auth.me.query())).toBe('UNAUTHORIZED');
    expect(
      await codeOf(client(t.srv.origin).auth.login.mutate({ email: u.email, password: 'a completely new passphrase' })),
    ).toBe('OK');
    const again = await c.auth.resetPassword.mutate({ token, newPassword: 'yet another passphrase' }).catch((e) => e);
    expect(again.message).toMatch(/not valid any more/);
    const [audit] =
      await t.owner`select count(*)::int n from audit_events where action = 'auth.password_reset' and actor_user_id = ${u.userId}`;
    expect(audit?.n).toBe(1);
  });

  it('a link expires after 30 minutes', async () => {
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    await client(t.srv.origin).auth.requestPasswordReset.mutate({ email: u.email });
    const token = tokenIn(await mailFile(new RegExp(u.email.replace(/[.+]/g, '\\$&'))));
    t.srv.clock.advance(31 * 60_000);
    const late = await client(t.srv.origin)
      .auth.resetPassword.mutate({ token, newPassword: 'a completely new passphrase' })
      .catch((e) => e);
    expect(late.message).toMatch(/not valid any more/);
    t.srv.clock.advance(-31 * 60_000);
  });

  it('is throttled per address without changing the answer', async () => {
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    for (let i = 0; i < 5; i++)
      expect(await client(t.srv.origin).auth.requestPasswordReset.mutate({ email: u.email })).toEqual({ ok: true });
    expect(await outboxCount(u.email)).toBe(3);
  });
});

describe('mail delivery', () => {
  it('several workers at once send each queued mail exactly once (SKIP LOCKED)', async () => {
    await t.srv.db.tx(SYSTEM, async (tx) => {
      for (let i = 0; i < 30; i++)
        await mailRepo.enqueue(tx, { to: `bulk-${i}@test.example`, subject: 's', bodyText: 'b', kind: 'test' });
    });
    const sent: string[] = [];
    const slow = {
      description: 'test',
      async send(m: { to: string }) {
        await new Promise((r) => setTimeout(r, 5));
        sent.push(m.to);
      },
    };
    await Promise.all([
      deliverDue(t.srv.db, slow, t.srv.clock),
      deliverDue(t.srv.db, slow, t.srv.clock),
      deliverDue(t.srv.db, slow, t.srv.clock),
    ]);
    await Promise.all([deliverDue(t.srv.db, slow, t.srv.clock), deliverDue(t.srv.db, slow, t.srv.clock)]);
    const bulk = sent.filter((t) => t.startsWith('bulk-'));
    expect(bulk).toHaveLength(30);
    expect(new Set(bulk).size).toBe(30);
  });

  it('goes over SMTP when SMTP_URL is set', async () => {
    const received: string[] = [];
    const port = await freeLoopbackPort();
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, done) {
        let text = '';
        stream.on('data', (d) => {
          text += d;
        });
        stream.on('end', () => {
          received.push(text);
          done();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(port, '127.0.0.1', r));
    const viaSmtp = await startTestServer({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    try {
      const u = await createPartyWithUser(viaSmtp.db, 'customer', ['customer-user']);
      await client(viaSmtp.origin).auth.requestPasswordReset.mutate({ email: u.email });
      for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(received).toHaveLength(1);
      expect(received[0]).toMatch(/Subject: Reset your Gatehouse password/);
    } finally {
      await viaSmtp.close();
      await new Promise<void>((r) => smtp.close(() => r()));
    }
  });
});

describe('auth.passwordResetInfo: the link is judged when the page opens', () => {
  it('says valid for a live link and invalid once used, expired or damaged, and nothing else', async () => {
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const c = client(t.srv.origin);
    await c.auth.requestPasswordReset.mutate({ email: u.email });
    const token = tokenIn(await mailFile(new RegExp(`To: ${u.email.replace(/[.+]/g, '\\$&')}`)));
    expect(await c.auth.passwordResetInfo.query({ token })).toEqual({ valid: true });
    // Asking does not spend it.
    expect(await c.auth.passwordResetInfo.query({ token })).toEqual({ valid: true });
    await c.auth.resetPassword.mutate({ token, newPassword: 'a completely new passphrase' });
    expect(await c.auth.passwordResetInfo.query({ token })).toEqual({ valid: false });
    const [id] = token.split('.');
    expect(await c.auth.passwordResetInfo.query({ token: `${id}.${'a'.repeat(20)}` })).toEqual({ valid: false });
    expect(await c.auth.passwordResetInfo.query({ token: 'x' })).toEqual({ valid: false });

    const v = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    await c.auth.requestPasswordReset.mutate({ email: v.email });
    const late = tokenIn(await mailFile(new RegExp(`To: ${v.email.replace(/[.+]/g, '\\$&')}`)));
    t.srv.clock.advance(31 * 60_000);
    try {
      expect(await c.auth.passwordResetInfo.query({ token: late })).toEqual({ valid: false });
    } finally {
      t.srv.clock.advance(-31 * 60_000);
    }
  });

  it('is throttled per IP', async () => {
    const c = client(t.srv.origin);
    let refused = 0;
    for (let i = 0; i < 70; i++) {
      if ((await codeOf(c.auth.passwordResetInfo.query({ token: `guess${i}.guess` }))) === 'TOO_MANY_REQUESTS')
        refused++;
    }
    // 60 an hour from one address, minus the few the test above used.
    expect(refused).toBeGreaterThanOrEqual(10);
    expect(refused).toBeLessThan(70);
  });
});
