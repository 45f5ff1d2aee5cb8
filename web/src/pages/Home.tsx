import { A, Navigate } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { can, currentMe } from '../auth.ts';
import { usePageTitle } from '../data.tsx';
import { label } from '../format.ts';

/** Start page: straight to the orders for those who may read them, otherwise who you are and what you may do. */
export default function Home() {
  usePageTitle(() => 'Home');
  return (
    <Show when={!can('orders:read')} fallback={<Navigate href="/orders" />}>
      <Show when={currentMe()}>
        {(me) => (
          <section class="welcome" aria-labelledby="welcome-title">
            <h1 id="welcome-title">Welcome, {me().user.displayName}</h1>
            <dl class="summary" data-testid="welcome-details">
              <div>
                <dt>Signed in as</dt>
                <dd>{me().user.email}</dd>
              </div>
              <div>
                <dt>Organisation</dt>
                <dd>
                  {me().party.name} ({label(me().party.kind)})
                </dd>
              </div>
              <div>
                <dt>Roles</dt>
                <dd>
                  <Show when={me().roles.length > 0} fallback="None">
                    <For each={me().roles}>{(role, i) => `${i() > 0 ? ', ' : ''}${role}`}</For>
                  </Show>
                </dd>
              </div>
            </dl>
            <Show
              when={can('invoices:read')}
              fallback={<p>There is nothing here for your roles yet. More of the portal is on its way.</p>}
            >
              <p>
                Go to your <A href="/invoices">invoices</A>.
              </p>
            </Show>
          </section>
        )}
      </Show>
    </Show>
  );
}
