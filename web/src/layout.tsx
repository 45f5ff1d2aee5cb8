import { A, type RouteSectionProps, useLocation, useNavigate } from '@solidjs/router';
import { createEffect, createSignal, Match, on, Show, Switch } from 'solid-js';
import { auth, authError, can, currentMe, loadMe, signInHref, signOut } from './auth.ts';
import { ErrorPanel } from './data.tsx';
import type { Me } from './trpc.ts';

/**
 * The signed-in shell: loads who the user is, sends signed-out users to /sign-in (remembering the way
 * back), and frames every page with the header, navigation and the main landmark.
 */
export function Shell(props: RouteSectionProps) {
  const location = useLocation();
  const navigate = useNavigate();

  createEffect(() => {
    const state = auth();
    if (state.status !== 'signed-out') return;
    navigate(state.returnTo ? signInHref(location.pathname + location.search) : '/sign-in', { replace: true });
  });

  return (
    <Switch>
      <Match when={auth().status === 'loading'}>
        <p class="page-message" role="status">
          Loading Gatehouse…
        </p>
      </Match>
      <Match when={authError()}>
        {(message) => (
          <main class="page-message">
            <h1>Gatehouse is not available</h1>
            <ErrorPanel message={message()} onRetry={() => void loadMe()} />
          </main>
        )}
      </Match>
      <Match when={currentMe()}>{(me) => <Frame me={me()}>{props.children}</Frame>}</Match>
    </Switch>
  );
}

function Frame(props: { me: Me; children: RouteSectionProps['children'] }) {
  const location = useLocation();
  let main: HTMLElement | undefined;
  const [signOutError, setSignOutError] = createSignal<string | null>(null);
  const [signingOut, setSigningOut] = createSignal(false);

  // After moving to another page, start keyboard and screen reader users at its content.
  createEffect(
    on(
      () => location.pathname,
      () => main?.focus({ preventScroll: true }),
      { defer: true },
    ),
  );

  const skipToContent = (event: MouseEvent) => {
    event.preventDefault();
    main?.focus();
    main?.scrollIntoView();
  };

  const onSignOut = async () => {
    setSigningOut(true);
    setSignOutError(await signOut());
    setSigningOut(false);
  };

  return (
    <>
      <a class="skip-link" href="#main" on:click={skipToContent}>
        Skip to content
      </a>
      <header class="site-header">
        <div class="header-inner">
          <A href="/" class="brand" end>
            Gatehouse
          </A>
          <Show when={can('orders:read') || can('invoices:read')}>
            <nav class="site-nav" aria-label="Main">
              <ul>
                <Show when={can('orders:read')}>
                  <li>
                    <A href="/orders" data-testid="nav-orders">
                      Orders
                    </A>
                  </li>
                </Show>
                <Show when={can('invoices:read')}>
                  <li>
                    <A href="/invoices" data-testid="nav-invoices">
                      Invoices
                    </A>
                  </li>
                </Show>
              </ul>
            </nav>
          </Show>
          <div class="account">
            <p class="who">
              <span class="who-party" data-testid="party-name">
                {props.me.party.name}
              </span>
              <A href="/profile" class="who-user" data-testid="nav-profile">
                <span data-testid="user-name">{props.me.user.displayName}</span>
                <span class="visually-hidden"> (your profile)</span>
              </A>
            </p>
            <button
              type="button"
              class="button button-quiet"
              data-testid="sign-out"
              onClick={onSignOut}
              aria-busy={signingOut()}
            >
              Sign out
            </button>
          </div>
        </div>
        <Show when={signOutError()}>
          {(message) => (
            <p class="header-alert" role="alert">
              Signing out failed: {message()}
            </p>
          )}
        </Show>
      </header>
      <main id="main" class="content" tabindex="-1" ref={main}>
        {props.children}
      </main>
    </>
  );
}

/** Frame for the pages used before signing in (sign-in, setup). */
export function PublicFrame(props: { children: RouteSectionProps['children'] }) {
  return (
    <main id="main" class="public" tabindex="-1">
      <div class="public-card">
        <p class="public-brand">Gatehouse</p>
        {props.children}
      </div>
    </main>
  );
}
