import './styles.css';
import { Route, Router } from '@solidjs/router';
import { render } from 'solid-js/web';
import { loadMe } from './auth.ts';
import { Shell } from './layout.tsx';
import AcceptInvitation from './pages/AcceptInvitation.tsx';
import AccessReviewDetail from './pages/AccessReviewDetail.tsx';
import AccessReviews from './pages/AccessReviews.tsx';
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
import Integrations from './pages/Integrations.tsx';
import InvoiceDetail from './pages/InvoiceDetail.tsx';
import Invoices from './pages/Invoices.tsx';
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
      <Route component={Shell}>
        <Route path="/" component={Home} />
        <Route path="/orders" component={Orders} />
        <Route path="/orders/:id" component={OrderDetail} />
        <Route path="/invoices" component={Invoices} />
        <Route path="/invoices/:id" component={InvoiceDetail} />
        <Route path="/shipments" component={Shipments} />
        <Route path="/shipments/:id" component={ShipmentDetail} />
        <Route path="/statement" component={Statement} />
        <Route path="/purchase-orders" component={PurchaseOrders} />
        <Route path="/purchase-orders/:id" component={PurchaseOrderDetail} />
        <Route path="/documents" component={Documents} />
        <Route path="/documents/:id" component={DocumentHistory} />
        <Route path="/company" component={CompanyDetails} />
        <Route path="/work-queue" component={WorkQueue} />
        <Route path="/work-queue/documents/:id" component={WorkQueueDocument} />
        <Route path="/work-queue/change-requests/:id" component={WorkQueueChangeRequest} />
        <Route path="/approvals" component={Approvals} />
        <Route path="/approvals/policies" component={ApprovalPolicies} />
        <Route path="/approvals/:id" component={ApprovalDetail} />
        <Route path="/users" component={Users} />
        <Route path="/users/:id" component={UserDetail} />
        <Route path="/roles" component={Roles} />
        <Route path="/policies" component={Policies} />
        <Route path="/access-reviews" component={AccessReviews} />
        <Route path="/access-reviews/:id" component={AccessReviewDetail} />
        <Route path="/audit" component={AuditLog} />
        <Route path="/audit/:id" component={AuditEntry} />
        <Route path="/profile" component={Profile} />
        <Route path="/security" component={Posture} />
        <Route path="/security/two-factor" component={TwoFactor} />
        <Route path="/alerts" component={Alerts} />
        <Route path="/integrations" component={Integrations} />
        <Route path="*404" component={NotFound} />
      </Route>
    </Router>
  ),
  root,
);
