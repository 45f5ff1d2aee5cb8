import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { client, createPartyWithUser, useTestServer } from './support/harness.ts';

/**
 * Formula injection through a line break, end to end: party names and display names holding a bare CR, a
 * bare LF or CRLF followed by a formula starter reach every CSV export (the audit export and the access
 * review export). Each file is read back with a real CSV parser: it has exactly the rows its count says,
 * and no cell, nor any line inside a cell, starts a formula.
 */
const t = useTestServer();

const BREAKS = ['\r', '\n', '\r\n'] as const;
const STARTERS = ['=', '+', '-', '@', '\t', '\r'] as const;

async function signedIn(u: { email: string; password: string }) {
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return c;
}

/** A spreadsheet would run this cell (or a line in it) as a formula. */
function live(cell: string): boolean {
  if (/^[=+\-@\t\r\n]/.test(cell)) return true;
  return cell.split(/\r\n|\r|\n/).some((line) => /^[=+\-@\t]/.test(line));
}

function readCsv(csv: string): string[][] {
  const rows = parse(csv, { relax_column_count: false }) as string[][];
  for (const row of rows) for (const cell of row) expect(live(cell), JSON.stringify(cell)).toBe(false);
  // Read as a careless importer would (every CR or LF ends a row): still no line starts a formula.
  for (const line of csv.split(/\r\n|\r|\n/)) expect(/^[=+\-@\t]/.test(line), JSON.stringify(line)).toBe(false);
  return rows;
}

describe('CSV exports are safe against formulas after a line break', () => {
  it('the audit export and the access-review export parse to their counted rows with no live formula', async () => {
    const sys = await signedIn(await createPartyWithUser(t.srv.db, 'internal', ['system-admin']));
    const evil: string[] = [];
    for (const br of BREAKS) for (const start of STARTERS) evil.push(`x${br}${start}cmd|' /C calc'!A0`);
    const partyIds: string[] = [];
    for (const name of evil.slice(0, 9))
      partyIds.push((await sys.parties.create.mutate({ kind: 'customer', name })).id);
    // Renames (before/after in the audit details), and a customer admin whose users carry evil display names.
    const admin = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
    partyIds.push(admin.partyId);
    await sys.parties.update.mutate({ partyId: admin.partyId, name: evil[9] ?? 'x' });
    for (const [i, name] of evil.slice(10).entries()) {
      const u = await createPartyWithUser(t.srv.db, 'customer', ['customer-user'], { partyId: admin.partyId });
      // The display name a customer admin chose when inviting (set directly: the invitation flow is elsewhere).
      await t.owner`update users set display_name = ${`Ann ${i}${name}`} where id = ${u.userId}`;
      await signedIn(u); // a login in the trail, under the evil party name
    }
    const a = await signedIn(admin);
    await a.users.invite.mutate({
      email: `evil-${Date.now()}@test.example`,
      displayName: 'Bob\n=1+1',
      roles: ['customer-user'],
    });

    const auditor = await signedIn(await createPartyWithUser(t.srv.db, 'internal', ['auditor']));
    const out = await auditor.audit.export.mutate({});
    const manifest = JSON.parse(out.manifest.payload) as { count: number };
    const rows = readCsv(out.csv);
    expect(manifest.count).toBeGreaterThan(20);
    expect(rows).toHaveLength(manifest.count + 1);
    expect(rows.every((r) => r.length === 12)).toBe(true);
    // The evil names are there, neutralised after the break, not lost.
    expect(rows.some((r) => r[2] === "x\r'=cmd|' /C calc'!A0")).toBe(true);
    expect(rows.some((r) => r[4] === 'invitation.created')).toBe(true);

    const { id, items } = await sys.accessReviews.start.mutate({
      name: 'Line breaks',
      deadline: new Date(t.srv.clock.now() + 14 * 86_400_000).toISOString(),
      partyIds,
    });
    const review = await sys.accessReviews.export.mutate({ reviewId: id });
    const reviewRows = readCsv(review.csv);
    expect(items).toBeGreaterThan(5);
    expect(reviewRows).toHaveLength(items + 1);
    expect(reviewRows.every((r) => r.length === 7)).toBe(true);
    expect(reviewRows.some((r) => r[2]?.startsWith('Ann ') && /[\r\n]'/.test(r[2]))).toBe(true);
  }, 60_000);
});
