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
import { invoicesRouter, ordersRouter, shipmentsRouter, statementsRouter } from './routers/orders.ts';
import { changeRequestsRouter, documentsRouter, masterDataRouter, purchaseOrdersRouter } from './routers/supplier.ts';
import { webhooksRouter } from './routers/webhooks.ts';
import { router } from './trpc.ts';

/** The public contract: procedure names here are relied on by the SPA, integrations and tests. */
export const appRouter = router({
  auth: authRouter,
  setup: setupRouter,
  home: homeRouter,
  orders: ordersRouter,
  invoices: invoicesRouter,
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
  documents: documentsRouter,
  masterData: masterDataRouter,
  changeRequests: changeRequestsRouter,
  approvals: approvalsRouter,
  approvalPolicies: approvalPoliciesRouter,
  integrations: integrationsRouter,
  webhooks: webhooksRouter,
  imports: importsRouter,
});

export type AppRouter = typeof appRouter;
