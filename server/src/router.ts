import { accessReviewsRouter } from './routers/access-reviews.ts';
import { alertsRouter } from './routers/alerts.ts';
import { approvalPoliciesRouter } from './routers/approval-policies.ts';
import { approvalsRouter } from './routers/approvals.ts';
import { auditRouter } from './routers/audit.ts';
import { authRouter } from './routers/auth.ts';
import { changeRequestsRouter } from './routers/change-requests.ts';
import { documentsRouter } from './routers/documents.ts';
import { homeRouter } from './routers/home.ts';
import { importsRouter } from './routers/imports.ts';
import { integrationsRouter } from './routers/integrations.ts';
import { invitationsRouter } from './routers/invitations.ts';
import { invoiceQueriesRouter } from './routers/invoice-queries.ts';
import { invoicesRouter } from './routers/invoices.ts';
import { kineticRouter } from './routers/kinetic.ts';
import { masterDataRouter } from './routers/master-data.ts';
import { notificationsRouter } from './routers/notifications.ts';
import { ordersRouter } from './routers/orders.ts';
import { partiesRouter } from './routers/parties.ts';
import { poThreadsRouter } from './routers/po-threads.ts';
import { policiesRouter } from './routers/policies.ts';
import { purchaseOrdersRouter } from './routers/purchase-orders.ts';
import { remittancesRouter } from './routers/remittances.ts';
import { rolesRouter } from './routers/roles.ts';
import { sellerRouter } from './routers/seller.ts';
import { setupRouter } from './routers/setup.ts';
import { shipNoticesRouter } from './routers/ship-notices.ts';
import { shipmentsRouter } from './routers/shipments.ts';
import { statementsRouter } from './routers/statements.ts';
import { supplierInvoicesRouter } from './routers/supplier-invoices.ts';
import { usersRouter } from './routers/users.ts';
import { webhooksRouter } from './routers/webhooks.ts';
import { router } from './trpc.ts';

/** The public contract: procedure names here are relied on by the SPA, integrations and tests. */
export const appRouter = router({
  auth: authRouter,
  setup: setupRouter,
  home: homeRouter,
  orders: ordersRouter,
  invoices: invoicesRouter,
  invoiceQueries: invoiceQueriesRouter,
  remittances: remittancesRouter,
  shipments: shipmentsRouter,
  statements: statementsRouter,
  users: usersRouter,
  invitations: invitationsRouter,
  policies: policiesRouter,
  roles: rolesRouter,
  accessReviews: accessReviewsRouter,
  audit: auditRouter,
  alerts: alertsRouter,
  parties: partiesRouter,
  purchaseOrders: purchaseOrdersRouter,
  notifications: notificationsRouter,
  poThreads: poThreadsRouter,
  documents: documentsRouter,
  masterData: masterDataRouter,
  changeRequests: changeRequestsRouter,
  shipNotices: shipNoticesRouter,
  supplierInvoices: supplierInvoicesRouter,
  approvals: approvalsRouter,
  approvalPolicies: approvalPoliciesRouter,
  integrations: integrationsRouter,
  webhooks: webhooksRouter,
  kinetic: kineticRouter,
  seller: sellerRouter,
  imports: importsRouter,
});

export type AppRouter = typeof appRouter;
