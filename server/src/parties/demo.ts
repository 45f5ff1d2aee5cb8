import { randomBytes } from 'node:crypto';
import type { BuiltInRoleKey } from '@gatehouse/contract';
import { type Database, demoRepo, partiesRepo, usersRepo } from '@gatehouse/db';
import { record as recordAudit, SYSTEM as SYSTEM_ORIGIN } from '../audit/audit.ts';
import { hashPassword } from '../auth/password.ts';
import { DomainError } from '../errors.ts';
import { SYSTEM_SCOPE } from './scope.ts';

export interface DemoSignIn {
  party: string;
  role: BuiltInRoleKey;
  email: string;
  password: string;
}

const ACCOUNTS = [
  { kind: 'customer', name: 'Acme Retail (demo)', slug: 'acme-retail', currency: 'EUR', orders: 1800 },
  { kind: 'customer', name: 'Borealis Foods (demo)', slug: 'borealis-foods', currency: 'USD', orders: 1200 },
  {
    kind: 'supplier',
    name: 'Castor Metals (demo)',
    slug: 'castor-metals',
    currency: 'EUR',
    purchaseOrders: 60,
    category: 'manufacturing',
  },
  {
    kind: 'supplier',
    name: 'Delta Packaging (demo)',
    slug: 'delta-packaging',
    currency: 'EUR',
    purchaseOrders: 40,
    category: 'packaging',
  },
] as const;

const STAFF: BuiltInRoleKey[] = ['operator', 'approver', 'auditor', 'system-admin'];

/**
 * Loads the demo data set: two customers, two suppliers, a user of every built-in role, and about
 * 3,000 orders with lines and invoices; the suppliers get purchase orders and a category that decides
 * which compliance documents they must keep. Every party is marked demo. Refused when real customer or
 * supplier accounts exist, or when the demo is already loaded. Passwords are random and returned once.
 */
export async function seedDemo(db: Database): Promise<DemoSignIn[]> {
  const plan: { party: string; kind: 'internal' | 'customer' | 'supplier'; slug: string; role: BuiltInRoleKey }[] = [];
  for (const a of ACCOUNTS) {
    plan.push({ party: a.name, kind: a.kind, slug: a.slug, role: `${a.kind}-admin` });
    plan.push({ party: a.name, kind: a.kind, slug: a.slug, role: `${a.kind}-user` });
  }
  for (const role of STAFF)
    plan.push({ party: 'Gatehouse Operations (demo)', kind: 'internal', slug: 'operations', role });
  // Hash before the transaction: argon2 is deliberately slow, and holds no connection meanwhile.
  const signIns = await Promise.all(
    plan.map(async (p) => {
      const password = randomBytes(12).toString('base64url');
      return { ...p, email: `${p.role}@${p.slug}.demo.example`, password, hash: await hashPassword(password) };
    }),
  );

  return db.tx(SYSTEM_SCOPE, async (tx) => {
    const counts = await partiesRepo.countAccountsByDemo(tx);
    if (counts.real > 0)
      throw new DomainError(
        'CONFLICT',
        'This database holds real customer or supplier accounts; demo data is only loaded into an empty one.',
      );
    if (counts.demo > 0) throw new DomainError('CONFLICT', 'The demo data is already loaded.');
    const partyIds = new Map<string, string>();
    for (const s of signIns) {
      if (!partyIds.has(s.party)) {
        const party = await partiesRepo.create(tx, {
          kind: s.kind,
          name: s.party,
          erpRef: `DEMO-${s.slug.toUpperCase()}`,
          isDemo: true,
        });
        partyIds.set(s.party, party.id);
        const account = ACCOUNTS.find((a) => a.name === s.party);
        if (account && 'orders' in account)
          await demoRepo.generateOrders(tx, party.id, account.orders, account.currency);
        if (account && 'purchaseOrders' in account)
          await demoRepo.generatePurchaseOrders(
            tx,
            party.id,
            account.purchaseOrders,
            account.currency,
            account.category,
          );
      }
      const partyId = partyIds.get(s.party) as string;
      const user = await usersRepo.create(tx, {
        partyId,
        email: s.email,
        displayName: `${s.role} (demo)`,
        passwordHash: s.hash,
        status: 'active',
      });
      await usersRepo.grantRoles(tx, user.id, partyId, [s.role]);
    }
    await recordAudit(tx, SYSTEM_ORIGIN, {
      action: 'demo.seeded',
      outcome: 'success',
      partyId: null,
      details: { parties: partyIds.size, users: signIns.length },
    });
    return signIns.map(({ party, role, email, password }) => ({ party, role, email, password }));
  });
}
