import './styles.css';
import { Route, Router } from '@solidjs/router';
import { render } from 'solid-js/web';
import { loadMe } from './auth.ts';
import { Shell } from './layout.tsx';
import Home from './pages/Home.tsx';
import Invoices from './pages/Invoices.tsx';
import NotFound from './pages/NotFound.tsx';
import OrderDetail from './pages/OrderDetail.tsx';
import Orders from './pages/Orders.tsx';
import Profile from './pages/Profile.tsx';
import Setup from './pages/Setup.tsx';
import SignIn from './pages/SignIn.tsx';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// Ask the server who we are once, at start; pages wait for the answer in the Shell.
void loadMe();

render(
  () => (
    <Router>
      <Route path="/sign-in" component={SignIn} />
      <Route path="/setup" component={Setup} />
      <Route component={Shell}>
        <Route path="/" component={Home} />
        <Route path="/orders" component={Orders} />
        <Route path="/orders/:id" component={OrderDetail} />
        <Route path="/invoices" component={Invoices} />
        <Route path="/profile" component={Profile} />
        <Route path="*404" component={NotFound} />
      </Route>
    </Router>
  ),
  root,
);
