import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { client, createPartyWithUser, errorOf, useTestServer } from './support/harness.ts';

/**
 * Errors in the reader's language (docs/i18n.md, "Error messages"): a German user's refusals come back in
 * German (not found, a field the service refused, a zod validation issue), an English user's keep the
 * English words exactly; signed out, the request's Accept-Language decides (the SPA sends its language).
 */
const t = useTestServer();

async function signIn(
  kind: 'customer' | 'supplier' | 'internal',
  roles: Parameters<typeof createPartyWithUser>[2],
  locale?: 'de',
) {
  const u = await createPartyWithUser(t.srv.db, kind, roles);
  const c = client(t.srv.origin);
  await c.auth.login.mutate({ email: u.email, password: u.password });
  if (locale) await c.auth.setPreferences.mutate({ locale, timeZone: 'Europe/Berlin' });
  return c;
}

const usAccount = {
  accountHolder: 'Castor Metals Inc',
  country: 'US',
  routingNumber: '021000012', // checksum wrong (021000021 is right)
  accountNumber: '9876543210',
};

describe('error messages in the user’s language', () => {
  it('a German user gets German for a not-found, a refused field and a validation error; English stays English', async () => {
    const de = await signIn('customer', ['customer-user'], 'de');
    const en = await signIn('customer', ['customer-user']);

    const missing = { id: randomUUID() };
    expect((await errorOf(de.orders.get.query(missing))).message).toBe('Dieser Auftrag wurde nicht gefunden.');
    expect((await errorOf(en.orders.get.query(missing))).message).toBe('That order was not found.');

    // zod's own message, and the field named in German.
    const bad = await errorOf(de.orders.get.query({ id: 'not-an-id' }));
    expect(bad).toMatchObject({ code: 'BAD_REQUEST', message: 'ID: Keine gültige Kennung.' });
    expect((await errorOf(en.orders.get.query({ id: 'not-an-id' }))).message).toMatch(/^ID: Invalid UUID/);
  });

  it('a refused bank field and a schema’s own message reach a German supplier in German', async () => {
    const de = await signIn('supplier', ['supplier-admin'], 'de');
    const en = await signIn('supplier', ['supplier-admin']);
    const create = (c: typeof de, bankDetails: typeof usAccount) =>
      errorOf(c.changeRequests.create.mutate({ kind: 'bank-details', bankDetails }));

    const refused = await create(de, usAccount);
    expect(refused).toMatchObject({
      code: 'BAD_REQUEST',
      message:
        'Bankverbindung, Routing-Nummer: Diese Routing-Nummer ist nicht gültig (ihre Prüfziffer stimmt nicht); bitte prüfen Sie sie.',
    });
    expect((await create(en, usAccount)).message).toBe(
      'Bank details, routing number: That routing number is not valid (its check digit does not match); check it.',
    );
    // `.min(1, 'Required.')` in the contract: its catalogue words.
    expect((await create(de, { ...usAccount, accountHolder: '' })).message).toBe(
      'Bankverbindung, Kontoinhaber: Bitte ausfüllen.',
    );
  });

  it('a staff refusal from the staff block (an unknown import job) reaches a German system admin in German', async () => {
    const de = await signIn('internal', ['system-admin'], 'de');
    const en = await signIn('internal', ['system-admin']);
    const missing = { id: randomUUID() };
    expect(await errorOf(de.imports.get.query(missing))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'Diesen Importauftrag gibt es nicht.',
    });
    expect((await errorOf(en.imports.report.query(missing))).message).toBe('No such import job.');
  });

  it('signed out, Accept-Language decides: a German sign-in page reads German, anyone else English', async () => {
    const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user']);
    const wrong = { email: u.email, password: 'not-the-password' };
    const german = client(t.srv.origin, { headers: { 'accept-language': 'de' } });
    expect(await errorOf(german.auth.login.mutate(wrong))).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'E-Mail-Adresse oder Passwort ist falsch.',
    });
    const english = client(t.srv.origin, { headers: { 'accept-language': 'fr-FR,en;q=0.5' } });
    expect((await errorOf(english.auth.login.mutate(wrong))).message).toBe('Email or password is incorrect.');
    // A stored language wins over the header once signed in.
    const c = client(t.srv.origin, { headers: { 'accept-language': 'de' } });
    await c.auth.login.mutate({ email: u.email, password: u.password });
    await c.auth.setPreferences.mutate({ locale: 'en', timeZone: 'UTC' });
    expect((await errorOf(c.orders.get.query({ id: randomUUID() }))).message).toBe('That order was not found.');
  });
});
