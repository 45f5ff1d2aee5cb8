import {
  accessReviewsRouter,
  alertsRouter,
  auditRouter,
  invitationsRouter,
  partiesRouter,
  policiesRouter,
  rolesRouter,
  usersRouter,
} from './routers/admin.ts';
import { approvalPoliciesRouter, approvalsRouter } from './routers/approvals.ts';
import { authRouter, setupRouter } from './routers/auth.ts';
import { homeRouter } from './routers/home.ts';
import { importsRouter } from './routers/imports.ts';
import { integrationsRouter } from './routers/integrations.ts';
import { invoiceQueriesRouter, remittancesRouter } from './routers/invoice-queries.ts';
import { kineticRouter } from './routers/kinetic.ts';
import { invoicesRouter, ordersRouter, shipmentsRouter, statementsRouter } from './routers/orders.ts';
import { sellerRouter } from './routers/printing.ts';
import { changeRequestsRouter, documentsRouter, masterDataRouter, purchaseOrdersRouter } from './routers/supplier.ts';
import { poThreadsRouter, shipNoticesRouter, supplierInvoicesRouter } from './routers/supplier-collab.ts';
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
