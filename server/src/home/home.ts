import type { homeSummaryOutput, Permission, ServerText } from '@gatehouse/contract';
import { homeRepo, poThreadsRepo, shipmentsRepo, supplierCollabRepo } from '@gatehouse/db';
import type { z } from 'zod';
import * as approvals from '../approvals/approvals.ts';
import * as posture from '../audit/posture.ts';
import type { ServiceContext } from '../context.ts';
import { today } from '../dates.ts';
import * as documents from '../documents/documents.ts';
import { lockedRule } from '../users/users.ts';

type Out = z.input<typeof homeSummaryOutput>;

/**
 * A checklist text by key, relative to admin. (the SPA's admin catalogue: admin.checklist.<item>.*), sent
 * beside the English (docs/i18n.md, "Texts the server writes, worded by the SPA").
 */
const msg = (key: string, values: ServerText['values'] = {}): ServerText => ({ key: `checklist.${key}`, values });

/** How many waiting approvals the home lists (the rest are behind "Waiting for me"). */
const APPROVALS_SHOWN = 5;
/** The count of waiting approvals stops here ("50+"): the inbox pages the rest. */
const APPROVALS_COUNTED = 50;

/**
 * The home page: each section is computed only for a caller holding its permission, in the caller's
 * scope (its own party, or every party for staff with parties:cross), by the same rules as the lists the
 * counts link to. A user with several roles gets the sections of each. Reads only; nothing is audited.
 */
export async function summary(ctx: ServiceContext): Promise<Out> {
  const { actor } = ctx;
  const has = (p: Permission) => actor.permissions.has(p);
  const scope = ctx.scope;
  const staff = scope.kind === 'all';
  const now = new Date(ctx.clock.now());

  const customer = async (): Promise<Out['customer']> => {
    if (actor.partyKind !== 'customer') return null;
    if (!has('orders:read') && !has('invoices:read') && !has('shipments:read')) return null;
    const asOf = today(ctx);
    return ctx.db.read(scope, async (tx) => ({
      asOf,
      overdue: has('invoices:read') ? await homeRepo.overdueByCurrency(tx, asOf) : null,
      openOrders: has('orders:read') ? await homeRepo.openOrders(tx) : null,
      shipments: has('shipments:read')
        ? {
            inTransit: await homeRepo.shipmentsInTransit(tx),
            latest: (await shipmentsRepo.list(tx, { limit: 3 })).items.map((s) => ({
              id: s.id,
              number: s.number,
              orderNumber: s.orders.map((o) => o.number).join(', '),
              status: s.status,
              shippedOn: s.shippedOn,
            })),
          }
        : null,
    }));
  };

  const supplier = async (): Promise<Out['supplier']> => {
    if (actor.partyKind !== 'supplier') return null;
    if (!has('purchase-orders:read') && !has('documents:read') && !has('change-requests:create')) return null;
    const counts = await ctx.db.read(scope, async (tx) => ({
      toAcknowledge: has('purchase-orders:acknowledge') ? await homeRepo.purchaseOrdersToAcknowledge(tx) : null,
      pendingChangeRequests: has('change-requests:create') ? await homeRepo.pendingChangeRequests(tx) : null,
      collab: has('purchase-orders:read') ? await supplierCollabRepo.homeCounts(tx) : null,
      poThreads: has('purchase-orders:read')
        ? await poThreadsRepo.homeCounts(tx, { userId: actor.userId, side: 'supplier' })
        : null,
    }));
    // The documents page's own statuses (missing, expiring...), so the home and that page agree.
    const docs = has('documents:read') ? (await documents.requirements(ctx, {})).items : null;
    const countOf = (s: string) => docs?.filter((d) => d.status === s).length ?? 0;
    return {
      ...counts,
      documents: docs
        ? {
            missing: countOf('missing'),
            expiring: countOf('expiring'),
            expired: countOf('expired'),
            rejected: countOf('rejected'),
          }
        : null,
    };
  };

  const queue = async (): Promise<Out['queue']> => {
    if (
      !staff ||
      (!has('documents:review') &&
        !has('change-requests:handle') &&
        !has('invoice-queries:handle') &&
        !has('purchase-orders:review'))
    )
      return null;
    return ctx.db.read(scope, async (tx) => ({
      documents: has('documents:review') ? await homeRepo.documentsToReview(tx) : null,
      changeRequests: has('change-requests:handle') ? await homeRepo.pendingChangeRequests(tx) : null,
      invoiceQueries: has('invoice-queries:handle') ? await homeRepo.openInvoiceQueries(tx) : null,
      collab: has('purchase-orders:review') ? await supplierCollabRepo.homeCounts(tx) : null,
      poThreads: has('purchase-orders:review')
        ? await poThreadsRepo.homeCounts(tx, { userId: actor.userId, side: 'staff' })
        : null,
    }));
  };

  const waiting = async (): Promise<Out['approvals']> => {
    if (!has('approvals:decide')) return null;
    // The inbox's own query ("waiting for me"), so the home never promises what the inbox does not show.
    const page = await approvals.list(ctx, { view: 'mine', limit: APPROVALS_COUNTED });
    return {
      count: page.items.length,
      more: page.nextCursor !== null,
      items: page.items.slice(0, APPROVALS_SHOWN).map((r) => ({
        id: r.id,
        title: r.title,
        partyName: r.partyName,
        amountMinor: r.amountMinor,
        currency: r.currency,
        waitingSince: r.waitingSince,
      })),
    };
  };

  const audit = async (): Promise<Out['audit']> => {
    if (!staff || !has('audit:read')) return null;
    return ctx.db.read(scope, async (tx) => ({
      deniedLast7Days: await homeRepo.denialsSince(tx, new Date(now.getTime() - 7 * 86_400_000)),
      failedSignInsLast24Hours: await homeRepo.failedSignInsSince(tx, new Date(now.getTime() - 86_400_000)),
    }));
  };

  const alerts = async (): Promise<Out['alerts']> => {
    if (!staff || !has('security-posture:read')) return null;
    return ctx.db.read(scope, (tx) => homeRepo.openAlerts(tx));
  };

  const people = async (): Promise<Out['people']> => {
    if (!has('users:manage')) return null;
    return ctx.db.read(scope, (tx) => homeRepo.people(tx, lockedRule(ctx)));
  };

  // The posture is shared by its summary and the checklist (allowlists): computed once, for staff only.
  const needsPosture = staff && (has('security-posture:read') || has('policies:manage'));
  const live = needsPosture ? await posture.posture(ctx) : null;

  const checklist = async (): Promise<Out['checklist']> => {
    if (!staff || !has('policies:manage') || !live) return null;
    const f = await ctx.db.read(scope, (tx) => homeRepo.firstRunFigures(tx, actor.userId));
    const allowlists = live.items.find((i) => i.key === 'allowlists');
    return firstRunChecklist(f, {
      allowlistsGood: allowlists?.status === 'good',
      allowlistsSummary: allowlists?.summary ?? '',
      allowlistsText: allowlists
        ? { key: `posture.${allowlists.text.summary.key}`, values: allowlists.text.summary.values }
        : null,
      mailConfigured: Boolean(ctx.config.mail.smtpUrl),
    });
  };

  const order = { bad: 0, warn: 1, info: 2, good: 3 } as const;
  const [c, s, q, a, au, al, p, cl] = await Promise.all([
    customer(),
    supplier(),
    queue(),
    waiting(),
    audit(),
    alerts(),
    people(),
    checklist(),
  ]);
  return {
    cap: homeRepo.CAP,
    customer: c,
    supplier: s,
    queue: q,
    approvals: a,
    audit: au,
    alerts: al,
    people: p,
    checklist: cl,
    posture:
      live && has('security-posture:read')
        ? {
            generatedAt: live.generatedAt,
            items: live.items
              .map(({ key, title, status, summary, fixAt }) => ({ key, title, status, summary, fixAt }))
              .sort((x, y) => order[x.status] - order[y.status]),
          }
        : null,
  };
}

/**
 * The first-run checklist: what a fresh installation needs before every role can do its job. Each item
 * says how things are and links to where it is fixed.
 */
export function firstRunChecklist(
  f: Awaited<ReturnType<typeof homeRepo.firstRunFigures>>,
  o: {
    allowlistsGood: boolean;
    allowlistsSummary: string;
    /** The posture's allowlists summary as a key relative to admin. (the SPA's catalogue). */
    allowlistsText?: ServerText | null;
    mailConfigured: boolean;
  },
): NonNullable<Out['checklist']> {
  const approverDetail =
    f.approvers > 0 ? msg('approver.detailSome', { count: f.approvers }) : msg('approver.detailNone');
  const limitsDetail =
    f.approvers === 0
      ? msg('approval-limits.detailNoApprover')
      : f.approversWithoutLimit === 0
        ? msg('approval-limits.detailAll')
        : msg('approval-limits.detailSome', { count: f.approversWithoutLimit });
  const totpDetail = !f.selfHasTotp
    ? msg('two-factor.detailSelf')
    : f.staffWithoutTotp === 0
      ? msg('two-factor.detailAll')
      : msg('two-factor.detailSome', { count: f.staffWithoutTotp, staff: f.staff });
  return [
    {
      key: 'approver',
      title: 'An approver exists',
      done: f.approvers > 0,
      detail:
        f.approvers > 0
          ? `${f.approvers} active approver(s).`
          : 'Nobody can decide approval requests (bank-detail changes, credit notes) yet.',
      fixAt: '/users',
      fixLabel: 'Invite an approver',
      text: { title: msg('approver.title'), detail: approverDetail, fixLabel: msg('approver.fix') },
    },
    {
      key: 'auditor',
      title: 'An auditor exists',
      done: f.auditors > 0,
      detail: f.auditors > 0 ? `${f.auditors} active auditor(s).` : 'Nobody can review and export the audit log yet.',
      fixAt: '/users',
      fixLabel: 'Invite an auditor',
      text: {
        title: msg('auditor.title'),
        detail: f.auditors > 0 ? msg('auditor.detailSome', { count: f.auditors }) : msg('auditor.detailNone'),
        fixLabel: msg('auditor.fix'),
      },
    },
    {
      key: 'approval-limits',
      title: 'Approval limits are set',
      done: f.approvers > 0 && f.approversWithoutLimit === 0,
      detail:
        f.approvers === 0
          ? 'Once an approver exists, give them a limit per currency: without one they cannot decide amounts.'
          : f.approversWithoutLimit === 0
            ? 'Every approver has a limit.'
            : `${f.approversWithoutLimit} approver(s) have no limit in any currency.`,
      fixAt: '/approvals/policies',
      fixLabel: 'Set approval limits',
      text: { title: msg('approval-limits.title'), detail: limitsDetail, fixLabel: msg('approval-limits.fix') },
    },
    {
      key: 'two-factor',
      title: 'Two-factor authentication is enrolled',
      done: f.staffWithoutTotp === 0,
      detail: !f.selfHasTotp
        ? 'You have no second factor yet.'
        : f.staffWithoutTotp === 0
          ? 'Every staff member signs in with a second factor.'
          : `${f.staffWithoutTotp} of ${f.staff} staff member(s) have no second factor.`,
      fixAt: f.selfHasTotp ? '/policies' : '/security/two-factor',
      fixLabel: f.selfHasTotp ? 'Require it by role' : 'Set up your second factor',
      text: {
        title: msg('two-factor.title'),
        detail: totpDetail,
        fixLabel: msg(f.selfHasTotp ? 'two-factor.fixByRole' : 'two-factor.fixSelf'),
      },
    },
    {
      key: 'allowlists',
      title: 'IP allowlists are set on privileged roles',
      done: o.allowlistsGood,
      detail: o.allowlistsSummary,
      fixAt: '/policies',
      fixLabel: 'Set allowlists',
      text: { title: msg('allowlists.title'), detail: o.allowlistsText ?? null, fixLabel: msg('allowlists.fix') },
    },
    {
      key: 'mail',
      title: 'Mail is configured',
      done: o.mailConfigured,
      detail: o.mailConfigured
        ? 'Mail is sent through the SMTP server in SMTP_URL.'
        : 'SMTP_URL is not set: invitations and password resets are only written as .eml files in the data directory. Set SMTP_URL and restart the server.',
      fixAt: null,
      fixLabel: null,
      text: {
        title: msg('mail.title'),
        detail: msg(o.mailConfigured ? 'mail.detailOn' : 'mail.detailOff'),
        fixLabel: null,
      },
    },
  ];
}
