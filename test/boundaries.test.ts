import { describe, expect, it } from 'vitest';
import { check, importsOf, violations } from '../scripts/check-boundaries.ts';

/** Fixture sources: the checker reads text, so a forbidden import is shown failing without touching the tree. */
const rulesFor = (file: string, text: string) => violations(file, importsOf(file, text)).map((v) => v.rule);

describe('import boundaries (scripts/check-boundaries.ts, run by pnpm lint)', () => {
  it('the tree as it is crosses no line', () => {
    expect(check(process.cwd())).toEqual([]);
  });

  it('refuses the SPA importing server runtime code, but allows its types', () => {
    expect(rulesFor('web/src/x.ts', "import { startServer } from '@gatehouse/server';\nstartServer();")).toEqual([
      'the SPA imports server types only (import type), never server runtime code',
    ]);
    expect(rulesFor('web/src/x.ts', "import type { AppRouter } from '@gatehouse/server';\nlet a: AppRouter;")).toEqual(
      [],
    );
    expect(rulesFor('web/src/x.ts', "import { db } from '@gatehouse/db';\ndb();")).toContain(
      'the SPA never imports the data layer',
    );
  });

  it('refuses a router reaching the data layer directly', () => {
    const text = "import { ordersRepo } from '@gatehouse/db';\nordersRepo.list();";
    expect(rulesFor('server/src/routers/orders.ts', text)).toEqual([
      'a router calls service verbs; only services reach the data layer (@gatehouse/db)',
    ]);
    expect(rulesFor('server/src/orders/orders.ts', text)).toEqual([]); // a service may
  });

  it('refuses a page importing another page, not the pieces its feature shares', () => {
    const page = 'web/src/features/orders/OrderDetail.tsx';
    expect(rulesFor(page, "import { X } from './Invoices.tsx';\nX();")).toEqual([
      'a page never imports another page: move what both use into the feature folder or web/src/shared',
    ]);
    expect(rulesFor(page, "import { X } from './invoice-badges.tsx';\nX();")).toEqual([]);
    expect(rulesFor(page, "import { X } from '../../shared/data.tsx';\nX();")).toEqual([]);
    expect(rulesFor('web/src/shared/components.tsx', "import { X } from '../features/suppliers/x.tsx';\nX();")).toEqual(
      ['shared SPA pieces never import a feature: move what they need into web/src/shared'],
    );
  });

  it('refuses tests reaching into server/src by path, and the contract importing the workspace or Node', () => {
    expect(rulesFor('test/a.test.ts', "import { x } from '../server/src/keys.ts';\nx();")).toHaveLength(1);
    expect(rulesFor('test/a.test.ts', "import { x } from '@gatehouse/server/testing';\nx();")).toEqual([]);
    expect(rulesFor('packages/contract/src/a.ts', "import { x } from '@gatehouse/db';\nx();")).toHaveLength(1);
    expect(rulesFor('packages/contract/src/a.ts', "import { x } from 'node:fs';\nx();")).toHaveLength(1);
    expect(rulesFor('db/src/a.ts', "import { x } from '@gatehouse/server';\nx();")).toHaveLength(1);
  });
});
