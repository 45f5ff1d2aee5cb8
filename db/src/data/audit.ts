import type { AuditAction } from '@gatehouse/contract';
import type { Tx } from '../connection.ts';
import { auditEvents } from '../schema/index.ts';

export interface AuditEntry {
  action: AuditAction;
  outcome: 'success' | 'failure' | 'denied';
  partyId: string | null;
  actorUserId: string | null;
  entityType?: string;
  entityId?: string;
  crossParty?: boolean;
  requestId?: string;
  ip?: string;
  userAgent?: string;
  details?: Record<string, unknown>;
}

/** Appends inside the caller's transaction: if this insert fails, the change it records rolls back. */
export async function record(tx: Tx, e: AuditEntry) {
  await tx.db.insert(auditEvents).values({
    action: e.action,
    outcome: e.outcome,
    partyId: e.partyId,
    actorUserId: e.actorUserId,
    entityType: e.entityType ?? null,
    entityId: e.entityId ?? null,
    crossParty: e.crossParty ?? false,
    requestId: e.requestId ?? null,
    ip: e.ip ?? null,
    userAgent: e.userAgent?.slice(0, 500) ?? null,
    details: e.details ?? null,
  });
}
