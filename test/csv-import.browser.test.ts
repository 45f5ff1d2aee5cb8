import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { navTo, newPage, overflows, shot, signIn, useBrowserSuite } from './support/browser.ts';
import { createPartyWithUser } from './support/harness.ts';

/**
 * The CSV import screen (imports:run, system admin): a dry run of a file with a bad amount on line 57 lists
 * that line; the fixed file is applied; the progress bar reaches 100 % and the counts are shown.
 */
const s = useBrowserSuite({}, { allowedConsole: /status of 40[0134]/ });

const HEADER =
  'key,customer,number,status,orderDate,currency,total,line.lineNo,line.sku,line.description,line.quantity,line.unitPrice,line.amount';

function file(ref: string, prefix: string, badLine: number | null) {
  const rows = [HEADER];
  for (let i = 1; i <= 40; i++) {
    rows.push(`${prefix}-${i},${ref},SO-${prefix}-${i},open,2026-02-01,EUR,30.00,1,A,Widget,1,10.00,10.00`);
    rows.push(`${prefix}-${i},${ref},SO-${prefix}-${i},open,2026-02-01,EUR,30.00,2,B,Gadget,2,10.00,20.00`);
  }
  if (badLine !== null) rows[badLine - 1] = (rows[badLine - 1] as string).replace(/,20\.00$/, ',twenty');
  return `${rows.join('\n')}\n`;
}

describe('CSV import in the browser', () => {
  it('a dry run reports line 57; the fixed file is applied with the bar at 100 % and the counts shown', async () => {
    const admin = await createPartyWithUser(s.srv.db, 'internal', ['system-admin']);
    const cust = await createPartyWithUser(s.srv.db, 'customer', ['customer-user']);
    const ref = `CB-${cust.partyId.slice(0, 8)}`;
    const owner = postgres(s.srv.ownerUrl, { max: 1, onnotice: () => {} });
    try {
      await owner`update parties set erp_ref = ${ref} where id = ${cust.partyId}`;
      const prefix = `br${cust.partyId.slice(0, 6)}`;
      const bad = path.join(os.tmpdir(), `${prefix}-bad.csv`);
      const good = path.join(os.tmpdir(), `${prefix}-good.csv`);
      await writeFile(bad, file(ref, prefix, 57));
      await writeFile(good, file(ref, prefix, null));

      const page = await newPage(s);
      await signIn(page, s.srv.origin, admin.email, admin.password);
      await navTo(page, 'nav-imports');
      await page.selectOption('[data-testid="import-entity"]', 'orders');
      await page.setInputFiles('[data-testid="import-file"]', bad);
      expect(await page.isChecked('[data-testid="import-dry-run"]')).toBe(true);
      await page.click('[data-testid="import-start"]');
      await page.waitForSelector('[data-testid="import-phase"]:has-text("Finished")');
      const errors = page.locator('[data-testid="import-errors"] tbody tr');
      expect(await errors.count()).toBe(1);
      expect(await errors.first().textContent()).toContain('57');
      expect(await errors.first().textContent()).toContain('line.amount');
      expect(await page.textContent('[data-testid="import-message"]')).toContain('nothing was changed');
      expect(await page.textContent('[data-testid="import-counts"]')).toContain('39 would be created');
      expect(await page.locator('[data-testid="import-report"]').count()).toBe(1);
      const [n0] = await owner`select count(*)::int as n from orders where erp_key like ${`${prefix}-%`}`;
      expect(n0?.n).toBe(0);
      await shot(page, 'csv-import-dry-run');

      await page.setInputFiles('[data-testid="import-file"]', good);
      await page.uncheck('[data-testid="import-dry-run"]');
      await page.click('[data-testid="import-start"]');
      await page.waitForSelector('[data-testid="import-phase"]:has-text("Finished")');
      expect(await page.textContent('[data-testid="import-percent"]')).toBe('100 %');
      expect(await page.getAttribute('[data-testid="import-progress"]', 'value')).toBe('100');
      const counts = await page.textContent('[data-testid="import-counts"]');
      expect(counts).toContain('80 rows read');
      expect(counts).toContain('40 created');
      expect(counts).toContain('0 rejected');
      expect(await page.locator('[data-testid="import-errors"]').count()).toBe(0);
      const [n1] = await owner`select count(*)::int as n from orders where erp_key like ${`${prefix}-%`}`;
      expect(n1?.n).toBe(40);

      await page.setViewportSize({ width: 390, height: 800 });
      expect(await overflows(page)).toBe(false);
      await shot(page, 'csv-import-applied');
      expect(s.problems).toEqual([]);
    } finally {
      await owner.end();
    }
  });
});
