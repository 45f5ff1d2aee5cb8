import './styles.css';
import { Route, Router } from '@solidjs/router';
import { lazy, type ParentProps, Show } from 'solid-js';
import { render } from 'solid-js/web';
import { loadMe } from './auth.ts';
import { requires } from './features/home/NoAccess.tsx';
import { catalogueReady, needPart, startI18n, withCatalogue } from './i18n.ts';

// Every screen is its own chunk, loaded when its route is opened (the router preloads a route's chunks all at
// once: the shell's and the page's in parallel). A customer signing in downloads the sign-in screen and the
// router, never the admin, audit or approval screens; test/spa-chunks.test.ts holds the first screens' chunk
// lists to that.
//
// The signed-in shell and the signed-out pages other than sign-in also wait for the second part of the
// catalogue (the forms and dialogs, docs/i18n.md), loaded in parallel with their chunks: `withForms`. Staff
// and administration screens bring the catalogue's admin part the same way (withCatalogue).
const withForms = <T,>(chunk: Promise<T>): Promise<T> => Promise.all([chunk, needPart('forms')]).then(([m]) => m);
const Shell = lazy(() => withForms(import('./layout.tsx')).then((m) => ({ default: m.Shell })));
const AcceptInvitation = lazy(() => withForms(import('./features/auth/AcceptInvitation.tsx')));
const AccessReviewDetail = lazy(withCatalogue('admin', () => import('./features/users/AccessReviewDetail.tsx')));
const AccessReviews = lazy(withCatalogue('admin', () => import('./features/users/AccessReviews.tsx')));
const Accounts = lazy(withCatalogue('admin', () => import('./features/admin/Accounts.tsx')));
const Alerts = lazy(withCatalogue('admin', () => import('./features/audit/Alerts.tsx')));
const ApprovalDetail = lazy(withCatalogue('admin', () => import('./features/approvals/ApprovalDetail.tsx')));
const ApprovalPolicies = lazy(withCatalogue('admin', () => import('./features/approvals/ApprovalPolicies.tsx')));
const Approvals = lazy(withCatalogue('admin', () => import('./features/approvals/Approvals.tsx')));
const AuditEntry = lazy(withCatalogue('admin', () => import('./features/audit/AuditEntry.tsx')));
const AuditLog = lazy(withCatalogue('admin', () => import('./features/audit/AuditLog.tsx')));
const CompanyDetails = lazy(() => import('./features/suppliers/CompanyDetails.tsx'));
const DocumentHistory = lazy(() => import('./features/suppliers/DocumentHistory.tsx'));
const Documents = lazy(() => import('./features/suppliers/Documents.tsx'));
const ForgotPassword = lazy(() => withForms(import('./features/auth/ForgotPassword.tsx')));
const Home = lazy(() => import('./features/home/Home.tsx'));
const Imports = lazy(withCatalogue('admin', () => import('./features/integration/Imports.tsx')));
const Integrations = lazy(withCatalogue('admin', () => import('./features/integration/Integrations.tsx')));
const InvoiceDetail = lazy(() => import('./features/orders/InvoiceDetail.tsx'));
const Invoices = lazy(() => import('./features/orders/Invoices.tsx'));
const NotFound = lazy(() => import('./features/home/NotFound.tsx'));
const Notifications = lazy(() => import('./features/home/Notifications.tsx'));
const OrderDetail = lazy(() => import('./features/orders/OrderDetail.tsx'));
const Orders = lazy(() => import('./features/orders/Orders.tsx'));
const Policies = lazy(withCatalogue('admin', () => import('./features/admin/Policies.tsx')));
const Posture = lazy(withCatalogue('admin', () => import('./features/admin/Posture.tsx')));
const Profile = lazy(() => import('./features/auth/Profile.tsx'));
const PurchaseOrderDetail = lazy(() => import('./features/suppliers/PurchaseOrderDetail.tsx'));
const PurchaseOrders = lazy(() => import('./features/suppliers/PurchaseOrders.tsx'));
const ResetPassword = lazy(() => withForms(import('./features/auth/ResetPassword.tsx')));
const Roles = lazy(withCatalogue('admin', () => import('./features/users/Roles.tsx')));
const Setup = lazy(() => withForms(import('./features/auth/Setup.tsx')));
const ShipmentDetail = lazy(() => import('./features/orders/ShipmentDetail.tsx'));
const Shipments = lazy(() => import('./features/orders/Shipments.tsx'));
const SignIn = lazy(() => import('./features/auth/SignIn.tsx'));
const Statement = lazy(() => import('./features/orders/Statement.tsx'));
const TwoFactor = lazy(() => import('./features/auth/TwoFactor.tsx'));
const UserDetail = lazy(withCatalogue('admin', () => import('./features/users/UserDetail.tsx')));
const Users = lazy(withCatalogue('admin', () => import('./features/users/Users.tsx')));
const WorkQueue = lazy(withCatalogue('admin', () => import('./features/approvals/WorkQueue.tsx')));
const WorkQueueChangeRequest = lazy(
  withCatalogue('admin', () => import('./features/approvals/WorkQueueChangeRequest.tsx')),
);
const WorkQueueDocument = lazy(withCatalogue('admin', () => import('./features/approvals/WorkQueueDocument.tsx')));
const Remittances = lazy(() => import('./features/orders/Remittances.tsx'));
const RemittanceNew = lazy(() =>
  import('./features/orders/Remittances.tsx').then((m) => ({ default: m.RemittanceNew })),
);
const WorkQueueInvoiceQuery = lazy(
  withCatalogue('admin', () => import('./features/approvals/WorkQueueInvoiceQuery.tsx')),
);
const ShipNotices = lazy(() => import('./features/suppliers/ShipNotices.tsx'));
const NewShipNotice = lazy(() =>
  import('./features/suppliers/ShipNotices.tsx').then((m) => ({ default: m.NewShipNotice })),
);
const ShipNoticeDetail = lazy(() =>
  import('./features/suppliers/ShipNotices.tsx').then((m) => ({ default: m.ShipNoticeDetail })),
);
const SupplierInvoices = lazy(() => import('./features/suppliers/SupplierInvoices.tsx'));
const NewSupplierInvoice = lazy(() =>
  import('./features/suppliers/SupplierInvoices.tsx').then((m) => ({ default: m.NewSupplierInvoice })),
);
const SupplierInvoiceDetail = lazy(() =>
  import('./features/suppliers/SupplierInvoices.tsx').then((m) => ({ default: m.SupplierInvoiceDetail })),
);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// Ask the server who we are once, at start; pages wait for the answer in the Shell. The language's
// catalogue loads meanwhile (its own small chunk); screens render once it is there, so no key ever shows.
void startI18n();
void loadMe();

/** Renders the routes once the catalogue is in (the router still preloads the route's chunks meanwhile). */
const CatalogueGate = (props: ParentProps) => <Show when={catalogueReady()}>{props.children}</Show>;

render(
  () => (
    <Router root={CatalogueGate}>
      <Route path="/sign-in" component={SignIn} />
      <Route path="/setup" component={Setup} />
      <Route path="/forgot-password" component={ForgotPassword} />
      <Route path="/reset-password" component={ResetPassword} />
      <Route path="/accept-invitation" component={AcceptInvitation} />
      {/* Each signed-in page with the permission that opens it (requires: the no-access page otherwise). */}
      <Route component={Shell}>
        <Route path="/" component={Home} />
        <Route path="/orders" component={requires('orders:read', Orders)} />
        <Route path="/orders/:id" component={requires('orders:read', OrderDetail)} />
        <Route path="/invoices" component={requires('invoices:read', Invoices)} />
        <Route path="/invoices/:id" component={requires('invoices:read', InvoiceDetail)} />
        <Route path="/shipments" component={requires('shipments:read', Shipments)} />
        <Route path="/shipments/:id" component={requires('shipments:read', ShipmentDetail)} />
        <Route path="/statement" component={requires('statements:read', Statement)} />
        <Route path="/remittances" component={requires('remittances:create', Remittances)} />
        <Route path="/remittances/new" component={requires('remittances:create', RemittanceNew)} />
        <Route path="/purchase-orders" component={requires('purchase-orders:read', PurchaseOrders)} />
        <Route path="/purchase-orders/:id" component={requires('purchase-orders:read', PurchaseOrderDetail)} />
        <Route path="/ship-notices" component={requires('purchase-orders:read', ShipNotices)} />
        <Route path="/ship-notices/new" component={requires('ship-notices:manage', NewShipNotice)} />
        <Route path="/ship-notices/:id" component={requires('purchase-orders:read', ShipNoticeDetail)} />
        <Route path="/supplier-invoices" component={requires('supplier-invoices:read', SupplierInvoices)} />
        <Route path="/supplier-invoices/new" component={requires('supplier-invoices:submit', NewSupplierInvoice)} />
        <Route path="/supplier-invoices/:id" component={requires('supplier-invoices:read', SupplierInvoiceDetail)} />
        <Route path="/documents" component={requires('documents:read', Documents)} />
        <Route path="/documents/:id" component={requires('documents:read', DocumentHistory)} />
        <Route path="/company" component={requires('change-requests:create', CompanyDetails)} />
        <Route
          path="/work-queue"
          component={requires(
            ['documents:review', 'change-requests:handle', 'invoice-queries:handle', 'purchase-orders:review'],
            WorkQueue,
          )}
        />
        <Route
          path="/work-queue/invoice-queries/:id"
          component={requires('invoice-queries:handle', WorkQueueInvoiceQuery)}
        />
        <Route path="/work-queue/documents/:id" component={requires('documents:review', WorkQueueDocument)} />
        <Route
          path="/work-queue/change-requests/:id"
          component={requires('change-requests:handle', WorkQueueChangeRequest)}
        />
        <Route path="/approvals" component={requires('approvals:read', Approvals)} />
        <Route path="/approvals/policies" component={requires('approval-policies:manage', ApprovalPolicies)} />
        <Route path="/approvals/:id" component={requires('approvals:read', ApprovalDetail)} />
        <Route path="/users" component={requires('users:read', Users)} />
        <Route path="/users/:id" component={requires('users:read', UserDetail)} />
        <Route path="/roles" component={requires('roles:read', Roles)} />
        <Route path="/policies" component={requires('policies:manage', Policies)} />
        <Route path="/access-reviews" component={requires('users:manage', AccessReviews)} />
        <Route path="/access-reviews/:id" component={requires('users:manage', AccessReviewDetail)} />
        <Route path="/audit" component={requires('audit:read', AuditLog)} />
        <Route path="/audit/:id" component={requires('audit:read', AuditEntry)} />
        <Route path="/profile" component={Profile} />
        <Route path="/notifications" component={Notifications} />
        <Route path="/security" component={requires('security-posture:read', Posture)} />
        <Route path="/security/two-factor" component={TwoFactor} />
        <Route path="/alerts" component={requires('security-posture:read', Alerts)} />
        <Route path="/integrations" component={requires('integrations:manage', Integrations)} />
        <Route path="/imports" component={requires('imports:run', Imports)} />
        <Route path="/accounts" component={requires('parties:read', Accounts)} />
        <Route path="*404" component={NotFound} />
      </Route>
    </Router>
  ),
  root,
);
