import './styles.css';
import { Route, Router } from '@solidjs/router';
import { render } from 'solid-js/web';
import { loadMe } from './auth.ts';
import { Shell } from './layout.tsx';
import AcceptInvitation from './pages/AcceptInvitation.tsx';
import AccessReviewDetail from './pages/AccessReviewDetail.tsx';
import AccessReviews from './pages/AccessReviews.tsx';
import Accounts from './pages/Accounts.tsx';
import Alerts from './pages/Alerts.tsx';
import ApprovalDetail from './pages/ApprovalDetail.tsx';
import ApprovalPolicies from './pages/ApprovalPolicies.tsx';
import Approvals from './pages/Approvals.tsx';
import AuditEntry from './pages/AuditEntry.tsx';
import AuditLog from './pages/AuditLog.tsx';
import CompanyDetails from './pages/CompanyDetails.tsx';
import DocumentHistory from './pages/DocumentHistory.tsx';
import Documents from './pages/Documents.tsx';
import ForgotPassword from './pages/ForgotPassword.tsx';
import Home from './pages/Home.tsx';
import Imports from './pages/Imports.tsx';
import Integrations from './pages/Integrations.tsx';
import InvoiceDetail from './pages/InvoiceDetail.tsx';
import Invoices from './pages/Invoices.tsx';
import { requires } from './pages/NoAccess.tsx';
import NotFound from './pages/NotFound.tsx';
import OrderDetail from './pages/OrderDetail.tsx';
import Orders from './pages/Orders.tsx';
import Policies from './pages/Policies.tsx';
import Posture from './pages/Posture.tsx';
import Profile from './pages/Profile.tsx';
import PurchaseOrderDetail from './pages/PurchaseOrderDetail.tsx';
import PurchaseOrders from './pages/PurchaseOrders.tsx';
import ResetPassword from './pages/ResetPassword.tsx';
import Roles from './pages/Roles.tsx';
import Setup from './pages/Setup.tsx';
import ShipmentDetail from './pages/ShipmentDetail.tsx';
import Shipments from './pages/Shipments.tsx';
import SignIn from './pages/SignIn.tsx';
import Statement from './pages/Statement.tsx';
import TwoFactor from './pages/TwoFactor.tsx';
import UserDetail from './pages/UserDetail.tsx';
import Users from './pages/Users.tsx';
import WorkQueue from './pages/WorkQueue.tsx';
import WorkQueueChangeRequest from './pages/WorkQueueChangeRequest.tsx';
import WorkQueueDocument from './pages/WorkQueueDocument.tsx';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// Ask the server who we are once, at start; pages wait for the answer in the Shell.
void loadMe();

render(
  () => (
    <Router>
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
        <Route path="/purchase-orders" component={requires('purchase-orders:read', PurchaseOrders)} />
        <Route path="/purchase-orders/:id" component={requires('purchase-orders:read', PurchaseOrderDetail)} />
        <Route path="/documents" component={requires('documents:read', Documents)} />
        <Route path="/documents/:id" component={requires('documents:read', DocumentHistory)} />
        <Route path="/company" component={requires('change-requests:create', CompanyDetails)} />
        <Route path="/work-queue" component={requires(['documents:review', 'change-requests:handle'], WorkQueue)} />
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
