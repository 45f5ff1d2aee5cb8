import type { NotificationType } from '@gatehouse/contract';
import { type Database, notificationSourcesRepo } from '@gatehouse/db';
import { addDays, today } from '../dates.ts';
import type { MailText } from '../mail/i18n.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';
import { type NotificationEvent, type NotifyEnv, notify } from './notifications.ts';

/**
 * Events no user action causes (docs/notifications.md, ADR 0019), found by the `notification-sources` job
 * (jobs/registry.ts) running as the app in system scope:
 *
 * - rows the ERP mirror writer created or changed (invoices and credit notes, shipments, purchase orders).
 *   The mirror runs as gatehouse_sync, which may not write notifications, so it never notifies itself; the
 *   job reads what it wrote since its cursor (`synced_at`, re-read an hour back for late commits) and
 *   announces each new ERP revision exactly once (notificationSourcesRepo.claim);
 * - compliance documents nearing expiry: once per document version per threshold (30 and 7 days by default).
 *
 * Recipients are the owning party's users with the permission to read the thing (notify() never looks
 * beyond that party), each in their own language.
 */

export const MIRROR_SOURCES = ['invoice', 'shipment', 'purchase-order'] as const;
/** A batch may commit a while after it stamped `synced_at`: the job re-reads this far behind its cursor. */
export const MIRROR_LOOKBACK_MS = 3_600_000;
const BATCH = 200;

type Candidate = notificationSourcesRepo.MirrorCandidate;
type Event = NotificationEvent;

/** The event for a claimed row version, or null when that version is no news (a changed invoice). */
function eventFor(source: notificationSourcesRepo.MirrorSource, claim: 'new' | 'changed', r: Candidate): Event | null {
  const amount = r.totalMinor !== null && r.currency ? { minor: r.totalMinor, currency: r.currency } : null;
  const ev = (type: NotificationType, mailKind: string, permission: string, link: string, values: Event['text']) => ({
    type,
    partyId: r.partyId,
    to: { permission },
    link,
    mailKind,
    text: values,
  });
  const msg = (prefix: string, values: MailText['values']) => ({
    title: { key: `event.${prefix}.title`, values } as MailText,
    body: { key: `event.${prefix}.body`, values } as MailText,
  });
  if (source === 'invoice') {
    if (claim !== 'new') return null;
    const values = { number: r.number, date: { date: r.date }, due: { date: r.extra }, amount };
    return r.kind === 'credit-note'
      ? ev('credit_note.new', 'credit-note-new', 'invoices:read', `/invoices/${r.id}`, msg('credit_note.new', values))
      : ev('invoice.new', 'invoice-new', 'invoices:read', `/invoices/${r.id}`, msg('invoice.new', values));
  }
  if (source === 'shipment') {
    if (claim !== 'new') return null;
    const values = { number: r.number, date: { date: r.date }, carrier: r.kind, tracking: r.extra };
    return ev('shipment.new', 'shipment-new', 'shipments:read', `/shipments/${r.id}`, msg('shipment.new', values));
  }
  const values = { number: r.number, date: { date: r.date }, requested: { date: r.extra }, amount };
  return claim === 'new'
    ? ev('po.issued', 'po-issued', 'purchase-orders:read', `/purchase-orders/${r.id}`, msg('po.issued', values))
    : ev('po.changed', 'po-changed', 'purchase-orders:read', `/purchase-orders/${r.id}`, msg('po.changed', values));
}

/**
 * Announces what the mirror wrote since the last run: each new invoice, credit note and shipment once,
 * each purchase order once when issued and once per later ERP revision (changed). Safe to run again, after
 * a restart or on two instances at once: a version is claimed in the transaction that notifies, and a
 * claimed version is never a candidate again. Answers how many events were announced per source.
 */
export async function announceMirrored(db: Database, env: NotifyEnv) {
  const now = new Date(env.clock.now());
  const announced: Record<(typeof MIRROR_SOURCES)[number], number> = {
    invoice: 0,
    shipment: 0,
    'purchase-order': 0,
  };
  for (const source of MIRROR_SOURCES) {
    const cursor = await db.read(SYSTEM_SCOPE, (tx) => notificationSourcesRepo.cursor(tx, source));
    const since = cursor ? new Date(cursor.getTime() - MIRROR_LOOKBACK_MS) : null;
    for (;;) {
      const seen = await db.tx(SYSTEM_SCOPE, async (tx) => {
        const rows = await notificationSourcesRepo.mirrorCandidates(tx, source, since, BATCH);
        for (const r of rows) {
          const claim = await notificationSourcesRepo.claim(tx, source, r.id, BigInt(r.rev), now);
          if (!claim) continue;
          const e = eventFor(source, claim, r);
          if (!e) continue;
          await notify(env, tx, e);
          announced[source] += 1;
        }
        return rows.length;
      });
      if (seen < BATCH) break;
    }
    await db.tx(SYSTEM_SCOPE, (tx) => notificationSourcesRepo.setCursor(tx, source, now));
  }
  return announced;
}

const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/**
 * Tells a supplier's document handlers (`documents:upload`) that an approved compliance document expires
 * soon: once per document version and threshold, at the smallest threshold it has reached when first seen
 * (a document first found 5 days before expiry gets the 7-day notice, never also the 30-day one). Answers
 * how many documents were announced.
 */
export async function announceExpiring(db: Database, env: NotifyEnv, thresholds: number[]) {
  const ts = [...new Set(thresholds)].filter((d) => d > 0).sort((a, b) => a - b);
  const widest = ts.at(-1);
  if (widest === undefined) return 0;
  const now = new Date(env.clock.now());
  const day = today(env);
  return db.tx(SYSTEM_SCOPE, async (tx) => {
    let n = 0;
    for (const d of await notificationSourcesRepo.expiringDocuments(tx, day, addDays(day, widest))) {
      const left = daysBetween(day, d.expiresOn);
      const threshold = ts.find((t) => t >= left);
      if (threshold === undefined) continue;
      if (!(await notificationSourcesRepo.claim(tx, `document-expiring-${threshold}`, d.id, 0n, now))) continue;
      const values = { document: `${d.typeName} (${d.partyName})`, days: left, date: { date: d.expiresOn } };
      const title: MailText = { key: 'event.document.expiring.title', values };
      const body: MailText = { key: 'event.document.expiring.body', values };
      await notify(env, tx, {
        type: 'document.expiring',
        partyId: d.partyId,
        to: { permission: 'documents:upload' },
        link: '/documents',
        mailKind: 'document-expiring',
        text: { title, body },
      });
      n += 1;
    }
    return n;
  });
}
