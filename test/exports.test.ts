import { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { inflateRawSync } from 'node:zlib';
import { BUILT_IN_ROLES, EXPORT_LISTS, EXPORTS_PER_USER_PER_HOUR } from '@gatehouse/contract';
import { demoRepo } from '@gatehouse/db';
import { EXPORT_CATALOGUE, EXPORT_SLICE_ROWS, writeExport } from '@gatehouse/server/testing';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cookieOf } from './support/files.ts';
import { client, createPartyWithUser, SYSTEM, useTestServer } from './support/harness.ts';

/**
 * List exports (POST /files/exports/:list): the caller's scope only, the screen's filters, formula-safe
 * cells in CSV and XLSX, a per-user rate limit with a clear refusal, the row count audited at the end
 * (also when the client goes away mid-stream), the large-export alert, and the same origin/JSON checks
 * as tRPC mutations.
 */
const t = useTestServer();

type Client = ReturnType<typeof client>;
type Seeded = Awaited<ReturnType<typeof createPartyWithUser>> & { c: Client };
let alpha: Seeded;
let beta: Seeded;
let operator: Seeded;
let supplier: Seeded;

const EVIL = "=cmd|' /C calc'!A0";

async function signedIn(kind: 'customer' | 'supplier' | 'internal', roles: Parameters<typeof createPartyWithUser>[2]) {
  const u = await createPartyWithUser(t.srv.db, kind, roles);
  const c = client(t.srv.origin);
  await c.auth.login.mutate(u);
  return { ...u, c };
}

function exportOf(
  who: { c: Client },
  list: string,
  body: unknown,
  opts: { origin?: string; type?: string; signal?: AbortSignal } = {},
) {
  return fetch(`${t.srv.origin}/files/exports/${list}`, {
    method: 'POST',
    headers: {
      origin: opts.origin ?? t.srv.origin,
      cookie: cookieOf(who.c),
      'content-type': opts.type ?? 'application/json',
    },
    body: JSON.stringify(body),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

async function csvOf(res: Response): Promise<Record<string, string>[]> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/csv');
  return parse(await res.text(), { columns: true, bom: true }) as Record<string, string>[];
}

async function xlsxOf(res: Response): Promise<Record<string, unknown>[]> {
  expect(res.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const sheet = wb.worksheets[0];
  if (!sheet) throw new Error('no worksheet');
  const rows: unknown[][] = [];
  sheet.eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1));
  });
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries((header as string[]).map((h, i) => [h, r[i] ?? null])));
}

async function auditOf(userId: string, action: string) {
  return t.owner<{ outcome: string; details: Record<string, unknown> }[]>`
    select outcome, details from audit_events where actor_user_id = ${userId} and action = ${action} order by id`;
}

beforeAll(async () => {
  alpha = await signedIn('customer', ['customer-user']);
  beta = await signedIn('customer', ['customer-user']);
  operator = await signedIn('internal', ['operator']);
  supplier = await signedIn('supplier', ['supplier-user']);
  await t.srv.db.tx(SYSTEM, async (tx) => {
    await demoRepo.generateOrders(tx, alpha.partyId, 60, 'EUR');
    await demoRepo.generateOrders(tx, beta.partyId, 40, 'USD');
  });
  await t.owner`insert into orders (party_id, number, customer_reference, status, order_date, currency, total_minor)
    values (${alpha.partyId}, 'EVIL-1', ${EVIL}, 'open', current_date, 'EUR', -1250)`;
});

describe('exports: scope and filters', () => {
  it("a German user's export has German headers and sheet name; values stay machine-readable (docs/i18n.md)", async () => {
    const de = await signedIn('customer', ['customer-user']);
    await t.srv.db.tx(SYSTEM, (tx) => demoRepo.generateOrders(tx, de.partyId, 3, 'EUR'));
    await de.c.auth.setPreferences.mutate({ locale: 'de', timeZone: 'Europe/Berlin' });
    const rows = await csvOf(await exportOf(de, 'orders', { format: 'csv', filters: {} }));
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'Auftrag',
      'Ihre Referenz',
      'Auftragsdatum',
      'Status',
      'Währung',
      'Summe',
    ]);
    expect(rows[0]?.Summe).toMatch(/^-?\d+\.\d{2}$/);
    expect(rows[0]?.Auftragsdatum).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const invoices = await csvOf(await exportOf(de, 'invoices', { format: 'csv', filters: {} }));
    expect(Object.keys(invoices[0] ?? {})).toContain('Fälligkeitsdatum');
    expect(invoices.every((r) => ['Rechnung', 'Gutschrift'].includes(r.Art ?? ''))).toBe(true);
    const res = await exportOf(de, 'orders', { format: 'xlsx', filters: {} });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(wb.worksheets[0]?.name).toBe('Aufträge');
    // An English user's export of the same list keeps the English headers.
    const english = await csvOf(await exportOf(alpha, 'orders', { format: 'csv', filters: {} }));
    expect(Object.keys(english[0] ?? {})).toEqual([
      'Order',
      'Your reference',
      'Order date',
      'Status',
      'Currency',
      'Total',
    ]);
  });

  it("a customer's export holds its own orders only, exactly the rows the list shows", async () => {
    const rows = await csvOf(await exportOf(alpha, 'orders', { format: 'csv', filters: {} }));
    const own = await t.owner<{ number: string }[]>`select number from orders where party_id = ${alpha.partyId}`;
    expect(rows.map((r) => r.Order).sort()).toEqual(own.map((o) => o.number).sort());
    const others = await t.owner<{ number: string }[]>`select number from orders where party_id = ${beta.partyId}`;
    // Both parties number their orders SO-0000001…: the other party's rows are told apart by currency.
    expect(others.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.Currency === 'EUR')).toBe(true);
    expect(Object.keys(rows[0] ?? {})).not.toContain('Customer');
  });

  it("another party's id as a filter opens nothing of theirs (the scope comes from the session)", async () => {
    const rows = await csvOf(await exportOf(alpha, 'invoices', { format: 'csv', filters: { partyId: beta.partyId } }));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.Currency === 'EUR')).toBe(true);
  });

  it('the filters in force apply: status and date range on orders, overdue on invoices', async () => {
    const rows = await csvOf(await exportOf(alpha, 'orders', { format: 'csv', filters: { status: 'delivered' } }));
    const [{ n }] = (await t.owner`select count(*)::int n from orders
      where party_id = ${alpha.partyId} and status = 'delivered'`) as unknown as [{ n: number }];
    expect(rows).toHaveLength(n);
    expect(rows.every((r) => r.Status === 'delivered')).toBe(true);

    const overdue = await csvOf(await exportOf(alpha, 'invoices', { format: 'csv', filters: { overdue: true } }));
    const screen = await alpha.c.invoices.list.query({ overdue: true, limit: 200 });
    expect(overdue.map((r) => r.Invoice)).toEqual(screen.items.map((i) => i.legalNumber ?? i.number));
    expect(overdue.map((r) => Number(r['Days overdue']))).toEqual(screen.items.map((i) => i.daysOverdue));
  });

  it('staff exports span customers and name each row’s customer; a supplier may not export orders', async () => {
    const rows = await csvOf(await exportOf(operator, 'orders', { format: 'csv', filters: { partyId: beta.partyId } }));
    expect(rows.length).toBe(40);
    expect(new Set(rows.map((r) => r.Customer)).size).toBe(1);
    expect(rows.every((r) => r.Currency === 'USD')).toBe(true);

    const refused = await exportOf(supplier, 'orders', { format: 'csv', filters: {} });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/permission/);
  });

  it('refuses a cross-origin page, a non-JSON body, an unknown list, bad filters and no session', async () => {
    expect((await exportOf(alpha, 'orders', { format: 'csv' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await exportOf(alpha, 'orders', { format: 'csv' }, { type: 'text/plain' })).status).toBe(415);
    expect((await exportOf(alpha, 'nope', { format: 'csv' })).status).toBe(404);
    const bad = await exportOf(alpha, 'orders', { format: 'csv', filters: { from: 'yesterday' } });
    expect(bad.status).toBe(400);
    expect((await exportOf(alpha, 'orders', { format: 'pdf' })).status).toBe(400);
    const anon = await fetch(`${t.srv.origin}/files/exports/orders`, {
      method: 'POST',
      headers: { origin: t.srv.origin, 'content-type': 'application/json' },
      body: '{"format":"csv"}',
    });
    expect(anon.status).toBe(401);
  });
});

describe('exports: formula-safe cells', () => {
  it(`a cell "${EVIL}" comes out neutralised in CSV and XLSX; a negative amount stays a number`, async () => {
    const csv = await csvOf(await exportOf(alpha, 'orders', { format: 'csv', filters: { search: 'EVIL' } }));
    expect(csv).toHaveLength(1);
    expect(csv[0]?.['Your reference']).toBe(`'${EVIL}`);
    expect(csv[0]?.Total).toBe('-12.50');

    const xlsx = await xlsxOf(await exportOf(alpha, 'orders', { format: 'xlsx', filters: { search: 'EVIL' } }));
    expect(xlsx).toHaveLength(1);
    expect(xlsx[0]?.['Your reference']).toBe(`'${EVIL}`);
    expect(xlsx[0]?.Total).toBe(-12.5);
  });

  it('an XLSX export holds the same rows as the CSV of the same filters', async () => {
    const csv = await csvOf(await exportOf(alpha, 'invoices', { format: 'csv', filters: {} }));
    const xlsx = await xlsxOf(await exportOf(alpha, 'invoices', { format: 'xlsx', filters: {} }));
    expect(xlsx.map((r) => r.Invoice)).toEqual(csv.map((r) => r.Invoice));
    expect(xlsx.map((r) => r.Total)).toEqual(csv.map((r) => Number(r.Total)));
  });
});

describe('exports: audit and limits', () => {
  it('the row count is audited at the end, after a "started" entry written before the first row', async () => {
    const me = await signedIn('customer', ['customer-user']);
    await t.srv.db.tx(SYSTEM, (tx) => demoRepo.generateOrders(tx, me.partyId, 25, 'EUR'));
    const rows = await csvOf(await exportOf(me, 'orders', { format: 'csv', filters: { sort: 'oldest' } }));
    expect(rows).toHaveLength(25);
    // The closing entry is written once the stream has ended: give it a moment.
    await expect.poll(async () => (await auditOf(me.userId, 'list.exported')).length).toBe(1);
    const [done] = await auditOf(me.userId, 'list.exported');
    expect(done?.outcome).toBe('success');
    expect(done?.details).toMatchObject({ list: 'orders', format: 'csv', rows: 25, complete: true });
    const [started] = await auditOf(me.userId, 'list.export_started');
    expect(started?.details).toMatchObject({ list: 'orders', format: 'csv', filters: { sort: 'oldest' } });
  });

  it('an export the client abandons is audited as incomplete with the rows sent; a large one raises the alert', async () => {
    const me = await signedIn('customer', ['customer-user']);
    await t.srv.db.tx(SYSTEM, (tx) => demoRepo.generateOrders(tx, me.partyId, 12_000, 'EUR'));
    const whole = await csvOf(await exportOf(me, 'orders', { format: 'csv', filters: {} }));
    expect(whole).toHaveLength(12_000);
    await expect.poll(async () => (await auditOf(me.userId, 'list.exported')).length).toBe(1);
    const alerts = await t.owner<{ title: string }[]>`select title from alerts where rule = 'large-export'`;
    expect(alerts.some((a) => a.title === `${me.email} exported 12000 rows of orders`)).toBe(true);

    const ac = new AbortController();
    const res = await exportOf(me, 'orders', { format: 'csv', filters: {} }, { signal: ac.signal });
    const reader = res.body?.getReader();
    await reader?.read();
    ac.abort();
    await expect.poll(async () => (await auditOf(me.userId, 'list.exported')).length, { timeout: 10_000 }).toBe(2);
    const [, cut] = await auditOf(me.userId, 'list.exported');
    expect(cut?.outcome).toBe('failure');
    expect(cut?.details).toMatchObject({ complete: false, error: 'client went away' });
    expect(Number(cut?.details.rows)).toBeLessThan(12_000);
  }, 300_000); // 12,000 orders made and exported twice: about 16 s alone, over 120 s beside the browser tier in CI

  it(`a user may start ${EXPORTS_PER_USER_PER_HOUR} exports an hour; the next is refused with when to try again`, async () => {
    const me = await signedIn('customer', ['customer-user']);
    for (let i = 0; i < EXPORTS_PER_USER_PER_HOUR; i++) {
      const res = await exportOf(me, 'orders', { format: 'csv', filters: {} });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const refused = await exportOf(me, 'orders', { format: 'xlsx', filters: {} });
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe('TOO_MANY_REQUESTS');
    expect(body.error.message).toMatch(/You have started 30 exports in the last hour.*Try again in \d+ minutes?\./);
    // Another user is not affected.
    expect((await exportOf(alpha, 'shipments', { format: 'csv', filters: {} })).status).toBe(200);
  });
});

/**
 * The export route's role matrix: every built-in role against every list. A role without the list's
 * permission is refused (403, the permission denial); one with it gets the file. (What a permitted
 * customer or supplier role gets is held to its own party above.)
 */
describe('export route x role', () => {
  it.each(BUILT_IN_ROLES.map((r) => [r.key, r] as const))('as %s', async (_key, role) => {
    const me = await signedIn(role.partyKind, [role.key]);
    for (const list of EXPORT_LISTS) {
      const res = await exportOf(me, list, { format: 'csv', filters: {} });
      const body = await res.text();
      const allowed = (role.permissions as readonly string[]).includes(EXPORT_CATALOGUE[list].permission);
      if (!allowed) {
        expect(res.status, `${role.key} ${list}`).toBe(403);
        expect(body).toContain('You do not have permission to do that.');
      } else {
        // A supplier's documents list needs a supplier party; every other permitted export streams.
        expect(
          [200, ...(list === 'documents' && role.partyKind !== 'supplier' ? [400, 404] : [])],
          `${role.key} ${list}`,
        ).toContain(res.status);
      }
    }
  });
});

/** The writer itself (documents/exports.ts), from a made-up row source: no server, no database. */
describe('export writer', () => {
  type Row = { cells: (string | number | null)[] };
  const columns = ['A', 'B', 'C', 'D'].map((header, i) => ({
    header,
    value: (r: Row) => r.cells[i],
    ...(i === 3 ? { kind: 'number' as const } : {}),
  }));

  /** Runs writeExport over `items` (two pages) into memory. */
  async function written(format: 'csv' | 'xlsx', items: Row[]): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        done();
      },
    });
    const half = Math.ceil(items.length / 2);
    const rows = await writeExport(out, format, {
      sheet: 'Orders: [2026]?',
      columns,
      source: async (cursor) =>
        cursor === undefined
          ? { items: items.slice(0, half), nextCursor: 'rest' }
          : { items: items.slice(half), nextCursor: null },
    });
    expect(rows).toBe(items.length);
    return Buffer.concat(chunks);
  }

  /** A zip's entries by name, inflated, from its central directory (what a spreadsheet application reads). */
  function unzip(file: Buffer): Map<string, string> {
    const entries = new Map<string, string>();
    for (let i = file.indexOf('PK\x01\x02', 0, 'latin1'); i >= 0; i = file.indexOf('PK\x01\x02', i + 4, 'latin1')) {
      const name = file.toString('utf8', i + 46, i + 46 + file.readUInt16LE(i + 28));
      const at = file.readUInt32LE(i + 42);
      const data = at + 30 + file.readUInt16LE(at + 26) + file.readUInt16LE(at + 28);
      entries.set(name, inflateRawSync(file.subarray(data, data + file.readUInt32LE(i + 20))).toString('utf8'));
    }
    return entries;
  }

  it('XLSX: text the XML must escape, drop or preserve reads back as the neutralised cells; numbers stay numbers', async () => {
    const file = await written('xlsx', [
      { cells: ['<b>&amp;</b> "q" \'a\'', '  lead and trail  ', 'one\ntwo', '-12.50'] },
      { cells: ['bell\u0007 and \u0001 gone', '_x0041_ stays', EVIL, 4] },
      { cells: ['emoji \u{1F600} kept, lone \ud800 dropped', '\tlead', null, '12345678901234567890'] },
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0];
    expect(sheet?.name).toBe('Orders   2026');
    const rows: unknown[][] = [];
    sheet?.eachRow((row) => {
      rows.push((row.values as unknown[]).slice(1));
    });
    expect(rows).toEqual([
      ['A', 'B', 'C', 'D'],
      ['<b>&amp;</b> "q" \'a\'', '  lead and trail  ', 'one\ntwo', -12.5],
      // Excel decodes _xHHHH_ in a string, so the writer escapes its underscore; exceljs's reader does not
      // decode inline strings, hence the escape shows here (the XML itself is checked below).
      ['bell and  gone', '_x005F_x0041_ stays', `'${EVIL}`, 4],
      // A 20-digit amount is not exact as a double: it stays text.
      ['emoji \u{1F600} kept, lone  dropped', "'\tlead", undefined, '12345678901234567890'],
    ]);
    const xml = unzip(file).get('xl/worksheets/sheet1.xml') ?? '';
    expect(xml).toContain('<c r="A2" t="inlineStr"><is><t>&lt;b&gt;&amp;amp;&lt;/b&gt; "q" \'a\'</t></is></c>');
    expect(xml).toContain('<c r="B2" t="inlineStr"><is><t xml:space="preserve">  lead and trail  </t></is></c>');
    expect(xml).toContain('<c r="B3" t="inlineStr"><is><t>_x005F_x0041_ stays</t></is></c>');
    expect(xml).toContain('<c r="D2"><v>-12.5</v></c>');
  });

  it('XLSX: a zip with the parts a spreadsheet application needs, and rows numbered on across pages', async () => {
    const many = Array.from({ length: 30 }, (_, i): Row => ({ cells: [`r${i}`, null, null, i] }));
    const file = await written('xlsx', many);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0];
    expect(sheet?.rowCount).toBe(31);
    expect(sheet?.getRow(31).values).toEqual([undefined, 'r29', undefined, undefined, 29]);
    const names = [...unzip(file).keys()];
    expect(names).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/workbook.xml',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      'xl/worksheets/sheet1.xml',
    ]);
  });

  it.each(['csv', 'xlsx'] as const)(
    '%s: a client that stops reading and goes away ends the export with ExportAborted',
    async (format) => {
      let taken = 0;
      const out = new Writable({
        highWaterMark: 16 * 1024,
        write(_chunk: Buffer, _enc, done) {
          // Takes the first chunks, then stalls like a client that stopped reading; then it goes away.
          if (++taken < 3) done();
          else setTimeout(() => out.destroy(), 50);
        },
      });
      let pages = 0;
      // Cells that differ row to row (a counter through a multiplicative hash), so the zip cannot shrink
      // a page to nothing and back-pressure reaches the writer as it would with real rows.
      const cell = (i: number) => ((i * 2_654_435_761) >>> 0).toString(16).repeat(4);
      const endless = async () => {
        pages += 1;
        return {
          items: Array.from({ length: 2_000 }, (_, i): Row => ({ cells: [cell(pages * 2_000 + i), cell(i), 'z', i] })),
          nextCursor: 'more',
        };
      };
      await expect(writeExport(out, format, { sheet: 'x', columns, source: endless })).rejects.toThrow(
        'The export was aborted before it finished.',
      );
      // Back-pressure held it: it stopped reading pages soon after the client stopped taking them.
      expect(pages).toBeGreaterThan(0);
      expect(pages).toBeLessThan(50);
    },
  );

  it.each(['csv', 'xlsx'] as const)(
    '%s: a page of many rows is written in slices, and other callbacks run between them',
    async (format) => {
      const chunks: Buffer[] = [];
      const out = new Writable({
        write(chunk: Buffer, _enc, done) {
          chunks.push(chunk);
          done();
        },
      });
      const page = Array.from({ length: 5 * EXPORT_SLICE_ROWS }, (_, i): Row => ({ cells: [`r${i}`, null, 'z', i] }));
      // What another request's callback would see: how many rows had been formatted when it ran, once
      // scheduled as the first row was formatted. A page written in one stretch would make it wait for all.
      let formatted = 0;
      let seenAt = -1;
      const counted = columns.map((c, i) =>
        i !== 0
          ? c
          : {
              ...c,
              value: (r: Row) => {
                if (formatted++ === 0)
                  setImmediate(() => {
                    seenAt = formatted;
                  });
                return c.value(r);
              },
            },
      );
      const rows = await writeExport(out, format, {
        sheet: 'x',
        columns: counted,
        source: async () => ({ items: page, nextCursor: null }),
      });
      expect(rows).toBe(page.length);
      expect(seenAt).toBe(EXPORT_SLICE_ROWS);
      // The slices join up into the one file: every row once, in order, numbered on across slices.
      const file = Buffer.concat(chunks);
      if (format === 'csv') {
        const records = parse(file.toString('utf8'), { bom: true }) as string[][];
        expect(records.map((r) => r[0])).toEqual(['A', ...page.map((r) => r.cells[0])]);
      } else {
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(file as unknown as ArrayBuffer);
        const sheet = wb.worksheets[0];
        expect(sheet?.rowCount).toBe(page.length + 1);
        expect(sheet?.getRow(EXPORT_SLICE_ROWS + 2).values).toEqual([
          undefined,
          `r${EXPORT_SLICE_ROWS}`,
          undefined,
          'z',
          EXPORT_SLICE_ROWS,
        ]);
        expect(sheet?.getRow(page.length + 1).values).toEqual([
          undefined,
          `r${page.length - 1}`,
          undefined,
          'z',
          page.length - 1,
        ]);
      }
    },
  );

  it.each(['csv', 'xlsx'] as const)(
    '%s: when the next page is asked for, only the page about to be written is still held',
    async (format) => {
      // A full collection on demand (the flag set at run time holds for contexts made after it).
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      const out = new Writable({
        write(_chunk: Buffer, _enc, done) {
          done();
        },
      });
      const made: WeakRef<Row[]>[] = [];
      const held: number[] = [];
      const source = async () => {
        gc();
        held.push(made.filter((page) => page.deref() !== undefined).length);
        const items = Array.from(
          { length: 3 * EXPORT_SLICE_ROWS },
          (_, i): Row => ({ cells: [`r${i}`, null, 'z', i] }),
        );
        made.push(new WeakRef(items));
        return { items, nextCursor: made.length < 5 ? 'more' : null };
      };
      expect(await writeExport(out, format, { sheet: 'x', columns, source })).toBe(5 * 3 * EXPORT_SLICE_ROWS);
      // Asked for page k + 1, the export holds page k (written meanwhile) and none before it: with the one
      // being read, two pages at most, whatever the row count.
      expect(held).toEqual([0, 1, 1, 1, 1]);
    },
  );

  it('CSV: quotes what RFC 4180 needs (a comma, a quote, a bare CR) and parses back to the neutralised cells', async () => {
    const chunks: Buffer[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        done();
      },
    });
    await writeExport(out, 'csv', {
      sheet: 'x',
      columns,
      source: async () => ({
        items: [
          { cells: ['a,b', 'say "hi"', 'one\rtwo', '-3'] },
          { cells: [EVIL, null, '@x', 4] },
          { cells: ['line\n+1', '\tlead', '', 'x'] },
        ],
        nextCursor: null,
      }),
    });
    const text = Buffer.concat(chunks).toString('utf8');
    expect(parse(text, { bom: true })).toEqual([
      ['A', 'B', 'C', 'D'],
      ['a,b', 'say "hi"', 'one\rtwo', '-3'],
      [`'${EVIL}`, '', "'@x", '4'],
      ["line\n'+1", "'\tlead", '', 'x'],
    ]);
  });
});
