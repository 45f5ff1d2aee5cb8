import type { IntegrationEventType } from '@gatehouse/contract';
import { integrationsRepo, type Tx } from '@gatehouse/db';
import type { AppServices } from '../context.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';

/**
 * The integration outbox: what the ERP must learn about, recorded in the transaction of the decision
 * itself (as the audit entry and the mail are), so an event exists exactly when its decision committed.
 * Sensitive values stay out of the payload: a bank change says which party and request, and the ERP
 * fetches the details through an audited call.
 */
export async function record(
  tx: Tx,
  now: Date,
  e: {
    type: IntegrationEventType;
    partyId: string;
    subject: Record<string, unknown>;
    payload?: Record<string, unknown>;
    /**
     * The decision changes a value the ERP owns once it echoes it (an address, bank details, a credit
     * limit): the new value and the one the ERP still has are kept until a sync brings the new one back.
     */
    echo?: {
      field: 'address' | 'bank_details' | 'credit_limit';
      value: integrationsRepo.EchoValue;
      previous: integrationsRepo.EchoValue | null;
    };
  },
) {
  const eventId = await integrationsRepo.recordEvent(tx, { ...e, payload: e.payload ?? {}, at: now });
  if (e.echo) await integrationsRepo.expectEcho(tx, { ...e.echo, partyId: e.partyId, eventId, at: now });
  return eventId;
}

/** One page of the pull feed after a cursor; `nextCursor` is the last id (the same cursor when empty). */
export async function feed(app: AppServices, q: { after: string; limit: number; types: IntegrationEventType[] }) {
  const rows = await app.db.readOne(SYSTEM_SCOPE, (tx) =>
    integrationsRepo.eventsAfter(tx, { after: BigInt(q.after), limit: q.limit, types: q.types }),
  );
  return {
    events: rows.map((r) => ({
      cursor: r.id,
      eventId: r.eventId,
      type: r.type,
      occurredAt: r.occurredAt.toISOString(),
      party: { kind: r.partyKind, erpRef: r.partyErpRef, name: r.partyName },
      subject: r.subject,
      payload: r.payload,
    })),
    nextCursor: rows.at(-1)?.id ?? q.after,
    hasMore: rows.length === q.limit,
  };
}
