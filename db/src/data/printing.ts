import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import {
  invoices,
  orders,
  parties,
  partyMasterData,
  purchaseOrders,
  sellerProfile,
  shipments,
} from '../schema/index.ts';
import { partyPredicate } from './scope.ts';

/**
 * What printed documents need beyond the document itself: the seller's identity (one row, system settings),
 * the addressee's name, tax id and address, and the ERP's own PDF when it sent one.
 */

export type SellerProfile = typeof sellerProfile.$inferSelect;

/** The seller's identity; an empty one when no admin has entered it yet. Readable in every context. */
export async function seller(tx: Tx): Promise<SellerProfile | undefined> {
  const [row] = await tx.db.select().from(sellerProfile).where(eq(sellerProfile.id, 1));
  return row;
}

export type SellerInput = Omit<SellerProfile, 'id' | 'updatedAt' | 'updatedBy'>;

/** Writes the one row (RLS: only the all-parties context may). Returns the row before and after. */
export async function saveSeller(tx: Tx, values: SellerInput, by: string, at: Date) {
  const before = await seller(tx);
  const [after] = await tx.db
    .insert(sellerProfile)
    .values({ id: 1, ...values, updatedAt: at, updatedBy: by })
    .onConflictDoUpdate({ target: sellerProfile.id, set: { ...values, updatedAt: at, updatedBy: by } })
    .returning();
  return { before, after: after as SellerProfile };
}

/** The addressee of a document: the party's name, tax id and current postal address (master data). */
export async function addressee(tx: Tx, partyId: string) {
  const [row] = await tx.db
    .select({
      name: parties.name,
      taxId: parties.taxId,
      erpRef: parties.erpRef,
      address: sql<Record<
        string,
        unknown
      > | null>`(select m.address from ${partyMasterData} m where m.party_id = ${parties.id})`,
    })
    .from(parties)
    .where(and(eq(parties.id, partyId), partyPredicate(tx, parties.id)));
  return row;
}

const TABLES = { invoice: invoices, order: orders, shipment: shipments, 'purchase-order': purchaseOrders } as const;
export type PrintableKind = keyof typeof TABLES;

/** The SHA-256 of the ERP's own PDF of a document in the caller's scope, or null. */
export async function erpPdf(tx: Tx, kind: PrintableKind, id: string): Promise<string | null> {
  const t = TABLES[kind];
  const [row] = await tx.db
    .select({ sha256: t.erpPdfSha256 })
    .from(t)
    .where(and(eq(t.id, id), partyPredicate(tx, t.partyId)));
  return row?.sha256 ?? null;
}
