import { z } from 'zod';
import { approvalSummary } from './approvals.ts';
import { serverText } from './audit-schemas.ts';
import { isoTime } from './auth-schemas.ts';
import { minorUnits, uuid } from './paging.ts';

/**
 * home.summary: what waits for the signed-in user, one section per job. A section is null when the
 * caller's roles do not include that job (its permission), so a user with several roles gets several.
 * Counts are capped at `cap` (the home shows "1,000+"); each links to the list filtered the same way.
 */
const capped = z.number().int();
const postureStatus = z.enum(['good', 'warn', 'bad', 'info']);

const poThreadCounts = z.object({ unreadThreads: capped, openThreads: capped }).nullable().default(null);

export const homeSummaryOutput = z.object({
  cap: z.number().int(),
  /** A customer account: money overdue, open orders, shipments (each null without its permission). */
  customer: z
    .object({
      asOf: z.string(),
      overdue: z
        .array(z.object({ currency: z.string(), amountMinor: minorUnits, invoices: z.number().int() }))
        .nullable(),
      openOrders: capped.nullable(),
      shipments: z
        .object({
          inTransit: capped,
          latest: z.array(
            z.object({
              id: uuid,
              number: z.string(),
              orderNumber: z.string().nullable(),
              status: z.string(),
              shippedOn: z.string(),
            }),
          ),
        })
        .nullable(),
    })
    .nullable(),
  /** A supplier: purchase orders to acknowledge, compliance documents, its own pending change requests. */
  supplier: z
    .object({
      toAcknowledge: capped.nullable(),
      documents: z
        .object({
          missing: z.number().int(),
          expiring: z.number().int(),
          expired: z.number().int(),
          rejected: z.number().int(),
        })
        .nullable(),
      pendingChangeRequests: capped.nullable(),
      /** Confirmations the buyer still reviews, ship notices on their way, own invoices flagged off the PO. */
      collab: z
        .object({ confirmationsToReview: capped, shipmentsIncoming: capped, invoicesFlagged: capped })
        .nullable()
        .default(null),
      /** PO message threads: those with a message of the buyer not yet read by the caller, and open ones. */
      poThreads: poThreadCounts,
    })
    .nullable(),
  /** Operators: the work queue (and, with purchase-orders:review, supplier collaboration). */
  queue: z
    .object({
      documents: capped.nullable(),
      changeRequests: capped.nullable(),
      invoiceQueries: capped.nullable(),
      collab: z
        .object({ confirmationsToReview: capped, shipmentsIncoming: capped, invoicesFlagged: capped })
        .nullable()
        .default(null),
      /** PO message threads: those with a supplier's message the caller has not read, and open ones. */
      poThreads: poThreadCounts,
    })
    .nullable(),
  /** Approvers: what waits for their decision now, oldest first, with amounts and age. */
  approvals: z
    .object({
      count: z.number().int(),
      more: z.boolean(),
      items: z.array(
        approvalSummary.pick({
          id: true,
          title: true,
          partyName: true,
          amountMinor: true,
          currency: true,
          waitingSince: true,
        }),
      ),
    })
    .nullable(),
  /** Audit review (staff): denials and failed sign-ins recently. Chain status: audit.verify. */
  audit: z.object({ deniedLast7Days: capped, failedSignInsLast24Hours: capped }).nullable(),
  /** Security alerts not yet acknowledged (staff). */
  alerts: z.object({ open: z.number().int(), critical: z.number().int() }).nullable(),
  /** User administration: the users in the caller's scope. */
  people: z
    .object({
      active: z.number().int(),
      suspended: z.number().int(),
      invited: z.number().int(),
      locked: z.number().int(),
    })
    .nullable(),
  /** System admins: what a fresh installation needs before every role can do its job. */
  checklist: z
    .array(
      z.object({
        key: z.string(),
        title: z.string(),
        done: z.boolean(),
        detail: z.string(),
        fixAt: z.string().nullable(),
        fixLabel: z.string().nullable(),
        /** The same texts as keys relative to admin. (the SPA words them; docs/i18n.md); detail null: as sent. */
        text: z.object({ title: serverText, detail: serverText.nullable(), fixLabel: serverText.nullable() }),
      }),
    )
    .nullable(),
  /** The security posture in brief (who may read it): each check's status, worst first. */
  posture: z
    .object({
      generatedAt: isoTime,
      items: z.array(
        z.object({
          key: z.string(),
          title: z.string(),
          status: postureStatus,
          summary: z.string(),
          fixAt: z.string().nullable(),
        }),
      ),
    })
    .nullable(),
});
export type HomeSummary = z.output<typeof homeSummaryOutput>;
