import { and, asc, count, desc, eq, gt, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../connection.ts';
import { accessReviewItems, accessReviews, parties, roles, userRoles, users } from '../schema/index.ts';
import { BadCursor, isUuid } from './paging.ts';
import { partyPredicate } from './scope.ts';

/** A campaign header (staff scope only writes it). */
export async function insert(tx: Tx, row: { name: string; startedBy: string; startedAt: Date; deadline: Date }) {
  const [r] = await tx.db
    .insert(accessReviews)
    .values({ ...row, status: 'open' })
    .returning({ id: accessReviews.id });
  return (r as { id: string }).id;
}

/**
 * Snapshots every active user's roles (in scope, optionally in `partyIds`) as items to attest, in one
 * statement. Returns how many.
 */
export async function snapshotItems(tx: Tx, reviewId: string, partyIds?: string[]) {
  const where: (SQL | undefined)[] = [eq(users.status, 'active'), partyPredicate(tx, userRoles.partyId)];
  if (partyIds) where.push(inArray(userRoles.partyId, partyIds));
  const rows = await tx.db
    .insert(accessReviewItems)
    .select(
      tx.db
        .select({
          id: sql<string>`gen_random_uuid()`.as('id'),
          reviewId: sql<string>`${reviewId}::uuid`.as('review_id'),
          partyId: userRoles.partyId,
          userId: userRoles.userId,
          roleKey: roles.key,
          decision: sql<null>`null`.as('decision'),
          decidedBy: sql<null>`null::uuid`.as('decided_by'),
          decidedAt: sql<null>`null::timestamptz`.as('decided_at'),
        })
        .from(userRoles)
        .innerJoin(users, eq(users.id, userRoles.userId))
        .innerJoin(roles, eq(roles.id, userRoles.roleId))
        .where(and(...where)),
    )
    .returning({ id: accessReviewItems.id });
  return rows.length;
}

/** Campaigns with counts over the items the caller's scope can see; a party caller sees only campaigns with its items. */
export async function list(tx: Tx) {
  const total = sql<number>`count(${accessReviewItems.id})::int`;
  const decided = sql<number>`count(${accessReviewItems.decision})::int`;
  const q = tx.db
    .select({
      id: accessReviews.id,
      name: accessReviews.name,
      status: accessReviews.status,
      startedAt: accessReviews.startedAt,
      deadline: accessReviews.deadline,
      closedAt: accessReviews.closedAt,
      total,
      decided,
    })
    .from(accessReviews)
    .leftJoin(
      accessReviewItems,
      and(eq(accessReviewItems.reviewId, accessReviews.id), partyPredicate(tx, accessReviewItems.partyId)),
    )
    .groupBy(accessReviews.id)
    .orderBy(desc(accessReviews.startedAt))
    .limit(100);
  return tx.scope.kind === 'party' ? q.having(sql`count(${accessReviewItems.id}) > 0`) : q;
}

export async function get(tx: Tx, id: string, forUpdate = false) {
  const q = tx.db.select().from(accessReviews).where(eq(accessReviews.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

/** Items of a campaign in scope, by id (keyset). */
export async function items(tx: Tx, q: { reviewId: string; pendingOnly: boolean; cursor?: string; limit: number }) {
  const where: (SQL | undefined)[] = [
    eq(accessReviewItems.reviewId, q.reviewId),
    partyPredicate(tx, accessReviewItems.partyId),
  ];
  if (q.pendingOnly) where.push(isNull(accessReviewItems.decision));
  if (q.cursor) {
    const after = Buffer.from(q.cursor, 'base64url').toString('utf8');
    if (!isUuid(after)) throw new BadCursor();
    where.push(gt(accessReviewItems.id, after));
  }
  const rows = await tx.db
    .select({
      id: accessReviewItems.id,
      partyId: accessReviewItems.partyId,
      partyName: parties.name,
      userId: accessReviewItems.userId,
      email: users.email,
      displayName: users.displayName,
      roleKey: accessReviewItems.roleKey,
      decision: accessReviewItems.decision,
      decidedAt: accessReviewItems.decidedAt,
      decidedByEmail: sql<string | null>`(select d.email from ${users} d where d.id = ${accessReviewItems.decidedBy})`,
    })
    .from(accessReviewItems)
    .innerJoin(users, eq(users.id, accessReviewItems.userId))
    .innerJoin(parties, eq(parties.id, accessReviewItems.partyId))
    .where(and(...where))
    .orderBy(asc(accessReviewItems.id))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  const last = page.at(-1);
  return { items: page, nextCursor: more && last ? Buffer.from(last.id).toString('base64url') : null };
}

export async function getItemForUpdate(tx: Tx, id: string) {
  const [row] = await tx.db
    .select()
    .from(accessReviewItems)
    .where(and(eq(accessReviewItems.id, id), partyPredicate(tx, accessReviewItems.partyId)))
    .for('update');
  return row;
}

/** Records a decision once: false when the item was decided meanwhile. */
export async function decide(tx: Tx, id: string, decision: 'keep' | 'revoke', by: string, at: Date) {
  const rows = await tx.db
    .update(accessReviewItems)
    .set({ decision, decidedBy: by, decidedAt: at })
    .where(
      and(
        eq(accessReviewItems.id, id),
        isNull(accessReviewItems.decision),
        partyPredicate(tx, accessReviewItems.partyId),
      ),
    )
    .returning({ id: accessReviewItems.id });
  return rows.length === 1;
}

/** Marks every undecided item expired; returns the distinct users concerned, with their party. */
export async function expirePending(tx: Tx, reviewId: string, at: Date) {
  const rows = await tx.db
    .update(accessReviewItems)
    .set({ decision: 'expired', decidedAt: at })
    .where(and(eq(accessReviewItems.reviewId, reviewId), isNull(accessReviewItems.decision)))
    .returning({ userId: accessReviewItems.userId, partyId: accessReviewItems.partyId });
  const users = new Map(rows.map((r) => [r.userId, r.partyId]));
  return { expired: rows.length, users: [...users].map(([userId, partyId]) => ({ userId, partyId })) };
}

export async function close(tx: Tx, id: string, at: Date) {
  await tx.db.update(accessReviews).set({ status: 'closed', closedAt: at }).where(eq(accessReviews.id, id));
}

/** Open campaigns past their deadline (for the closing job). */
export async function overdue(tx: Tx, now: Date) {
  return tx.db
    .select({ id: accessReviews.id })
    .from(accessReviews)
    .where(and(eq(accessReviews.status, 'open'), sql`${accessReviews.deadline} <= ${now.toISOString()}::timestamptz`));
}

export async function itemCount(tx: Tx, reviewId: string) {
  const [r] = await tx.db
    .select({ n: count() })
    .from(accessReviewItems)
    .where(and(eq(accessReviewItems.reviewId, reviewId), partyPredicate(tx, accessReviewItems.partyId)));
  return r?.n ?? 0;
}
