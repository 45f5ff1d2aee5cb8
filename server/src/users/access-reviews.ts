import { type Database, reviewsRepo, sessionsRepo, usersRepo } from '@gatehouse/db';
import * as audit from '../audit/audit.ts';
import type { Clock } from '../auth/sessions.ts';
import type { ServiceContext } from '../context.ts';
import { DomainError, invalidField, notFound } from '../errors.ts';
import { toCsv } from '../integration/csv/csv.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';
import { acting, administrable, applyRoles } from './users.ts';

/**
 * Access review campaigns. A system admin starts one: every active user's roles (in all parties, or the
 * chosen ones) are snapshotted as items. Each customer/supplier admin attests its own party's items, and
 * internal managers the internal ones, keep or revoke, under the same rule as any administration
 * (grant-rules.ts: never one's own access; never someone holding more, except a system admin over other
 * internal users). A revoke takes the role away at once. At the deadline
 * (or when closed early) every item nobody attested expires and its user is suspended. The result exports
 * as CSV evidence, itself audited.
 */

export async function start(
  ctx: ServiceContext,
  input: { name: string; deadline: string; partyIds?: string[] | undefined },
) {
  const { actor } = ctx;
  const deadline = new Date(input.deadline);
  if (deadline.getTime() <= ctx.clock.now()) throw invalidField(['deadline'], { key: 'review.futureDeadline' });
  return ctx.db.tx(ctx.scope, async (tx) => {
    const id = await reviewsRepo.insert(tx, {
      name: input.name,
      startedBy: actor.userId,
      startedAt: new Date(ctx.clock.now()),
      deadline,
    });
    const items = await reviewsRepo.snapshotItems(tx, id, input.partyIds);
    await audit.record(tx, ctx, {
      action: 'access_review.started',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'access_review',
      entityId: id,
      details: { name: input.name, deadline: deadline.toISOString(), items, partyIds: input.partyIds ?? 'all' },
    });
    return { id, items };
  });
}

export function list(ctx: ServiceContext) {
  return ctx.db.read(ctx.scope, (tx) => reviewsRepo.list(tx));
}

export async function items(
  ctx: ServiceContext,
  input: { reviewId: string; pendingOnly: boolean; cursor?: string | undefined; limit: number },
) {
  return ctx.db.read(ctx.scope, async (tx) => {
    if (!(await reviewsRepo.get(tx, input.reviewId)) || (await reviewsRepo.itemCount(tx, input.reviewId)) === 0) {
      throw notFound('That review');
    }
    return reviewsRepo.items(tx, input);
  });
}

/** Keep or revoke one item. Race-safe: an item is decided once; a second decision is a CONFLICT. */
export async function decide(ctx: ServiceContext, input: { itemId: string; decision: 'keep' | 'revoke' }) {
  const { actor } = ctx;
  await ctx.db.tx(ctx.scope, async (tx) => {
    const item = await reviewsRepo.getItemForUpdate(tx, input.itemId);
    if (!item) throw notFound('That review item');
    const review = await reviewsRepo.get(tx, item.reviewId);
    if (review?.status !== 'open' || review.deadline.getTime() <= ctx.clock.now())
      throw new DomainError('CONFLICT', { key: 'review.closed' });
    if (item.decision) throw new DomainError('CONFLICT', { key: 'review.itemDecided' });
    const target = await administrable(tx, actor, item.userId);
    if (input.decision === 'revoke') {
      await applyRoles({ ...ctx, tx }, target, (current) => current.filter((k) => k !== item.roleKey), {
        accessReview: review.id,
      });
    }
    await reviewsRepo.decide(tx, item.id, input.decision, actor.userId, new Date(ctx.clock.now()));
    await audit.record(tx, ctx, {
      action: 'access_review.decided',
      outcome: 'success',
      details: { review: review.id, item: item.id, role: item.roleKey, decision: input.decision },
      ...acting(ctx, target),
    });
  });
  return { ok: true as const };
}

/**
 * Closes a campaign: every item nobody attested expires, and its user is suspended (sessions ended, one
 * audit entry each), all in one transaction. Called by a system admin, or by the job at the deadline.
 */
export async function closeReview(db: Database, clock: Clock, reviewId: string, by: ServiceContext | null) {
  const origin = by ?? audit.SYSTEM;
  return db.tx(SYSTEM_SCOPE, async (tx) => {
    const review = await reviewsRepo.get(tx, reviewId, true);
    if (!review) throw notFound('That review');
    if (review.status === 'closed') throw new DomainError('CONFLICT', { key: 'review.alreadyClosed' });
    const now = new Date(clock.now());
    const { expired, users } = await reviewsRepo.expirePending(tx, reviewId, now);
    let usersSuspended = 0;
    for (const u of users) {
      const user = await usersRepo.findById(tx, u.userId);
      if (user?.status !== 'active') continue;
      await usersRepo.setStatus(tx, u.userId, 'suspended');
      const ended = await sessionsRepo.removeAllForUser(tx, u.userId);
      usersSuspended += 1;
      await audit.record(tx, origin, {
        action: 'user.suspended_unattested',
        outcome: 'success',
        partyId: u.partyId,
        entityType: 'user',
        entityId: u.userId,
        details: { review: reviewId, sessionsEnded: ended },
      });
    }
    await reviewsRepo.close(tx, reviewId, now);
    await audit.record(tx, origin, {
      action: 'access_review.closed',
      outcome: 'success',
      partyId: by?.actor.partyId ?? null,
      entityType: 'access_review',
      entityId: reviewId,
      details: { expired, usersSuspended, by: by ? 'admin' : 'deadline' },
    });
    return { expired, usersSuspended };
  });
}

export function close(ctx: ServiceContext, reviewId: string) {
  return closeReview(ctx.db, ctx.clock, reviewId, ctx);
}

/** The job: closes every open campaign past its deadline. */
export async function closeOverdue(db: Database, clock: Clock): Promise<number> {
  const due = await db.read(SYSTEM_SCOPE, (tx) => reviewsRepo.overdue(tx, new Date(clock.now())));
  let closed = 0;
  for (const r of due) {
    try {
      await closeReview(db, clock, r.id, null);
      closed += 1;
    } catch (e) {
      if (!(e instanceof DomainError && e.code === 'CONFLICT')) throw e; // closed meanwhile by another instance
    }
  }
  return closed;
}

/** The campaign as evidence: one row per item with who decided what and when. The export is audited. */
export async function exportCsv(ctx: ServiceContext, reviewId: string) {
  const { actor } = ctx;
  return ctx.db.tx(ctx.scope, async (tx) => {
    const review = await reviewsRepo.get(tx, reviewId);
    if (!review) throw notFound('That review');
    const rows: unknown[][] = [];
    let cursor: string | undefined;
    do {
      const page = await reviewsRepo.items(tx, { reviewId, pendingOnly: false, cursor, limit: 1000 });
      for (const i of page.items) {
        rows.push([
          i.partyName,
          i.email,
          i.displayName,
          i.roleKey,
          i.decision ?? 'pending',
          i.decidedByEmail,
          i.decidedAt,
        ]);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    await audit.record(tx, ctx, {
      action: 'access_review.exported',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'access_review',
      entityId: reviewId,
      details: { rows: rows.length },
    });
    const csv = toCsv(['party', 'email', 'name', 'role', 'decision', 'decided_by', 'decided_at'], rows);
    const slug =
      review.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'review';
    return { filename: `access-review-${slug}.csv`, csv };
  });
}
