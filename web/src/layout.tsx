import { A, type RouteSectionProps, useLocation, useNavigate } from '@solidjs/router';
import {
  createEffect,
  createMemo,
  createSignal,
  For,
  lazy,
  Match,
  on,
  onCleanup,
  onMount,
  Show,
  Switch,
} from 'solid-js';
import {
  auth,
  authError,
  blockedMessage,
  can,
  currentMe,
  ENROL_PATH,
  enrolHref,
  loadMe,
  mustEnrolTotp,
  signInHref,
  signOut,
} from './auth.ts';
import { type MessageKey, t } from './i18n.ts';
import { ErrorPanel, usePageTitle } from './shared/data.tsx';
import { IP_NOT_ALLOWED_HELP } from './shared/errors.ts';
import { refreshUnread, unread } from './shared/notifications.ts';
import { ReauthDialog } from './shared/reauth.tsx';
import type { Me, Permission } from './trpc.ts';

// Only a user who must enrol a second factor sees this; its chunk (with the QR code) loads for them alone.
const EnrolmentRequired = lazy(() =>
  import('./features/auth/two-factor.tsx').then((m) => ({ default: m.EnrolmentRequired })),
);

type NavItem = { href: string; label: MessageKey; testId: string; permission: Permission; end?: boolean };
type NavGroup = { key: string; label: MessageKey; items: NavItem[] };

/**
 * The main navigation in groups, each link shown only with its permission (a courtesy: the server
 * decides). A user with a few links sees them side by side; with more, each group of two or more becomes a
 * menu, so the header stays one row at laptop widths whatever the roles.
 */
const NAV: NavGroup[] = [
  {
    key: 'orders',
    label: 'nav.group.orders',
    items: [
      { href: '/orders', label: 'nav.orders', testId: 'nav-orders', permission: 'orders:read' },
      { href: '/invoices', label: 'nav.invoices', testId: 'nav-invoices', permission: 'invoices:read' },
      { href: '/shipments', label: 'nav.shipments', testId: 'nav-shipments', permission: 'shipments:read' },
      { href: '/statement', label: 'nav.statement', testId: 'nav-statement', permission: 'statements:read' },
      {
        href: '/remittances',
        label: 'nav.remittances',
        testId: 'nav-remittances',
        permission: 'remittances:create',
      },
    ],
  },
  {
    key: 'supplier',
    label: 'nav.group.supplier',
    items: [
      {
        href: '/purchase-orders',
        label: 'nav.purchaseOrders',
        testId: 'nav-purchase-orders',
        permission: 'purchase-orders:read',
      },
      {
        href: '/ship-notices',
        label: 'nav.shipNotices',
        testId: 'nav-ship-notices',
        permission: 'purchase-orders:read',
      },
      {
        href: '/supplier-invoices',
        label: 'nav.supplierInvoices',
        testId: 'nav-supplier-invoices',
        permission: 'supplier-invoices:read',
      },
      { href: '/documents', label: 'nav.documents', testId: 'nav-documents', permission: 'documents:upload' },
      { href: '/company', label: 'nav.company', testId: 'nav-company', permission: 'change-requests:create' },
    ],
  },
  {
    key: 'work',
    label: 'nav.group.work',
    items: [
      { href: '/work-queue', label: 'nav.workQueue', testId: 'nav-work-queue', permission: 'documents:review' },
      { href: '/approvals', label: 'nav.approvals', testId: 'nav-approvals', permission: 'approvals:read', end: true },
      {
        href: '/approvals/policies',
        label: 'nav.approvalPolicies',
        testId: 'nav-approval-policies',
        permission: 'approval-policies:manage',
      },
    ],
  },
  {
    key: 'admin',
    label: 'nav.group.admin',
    items: [
      { href: '/accounts', label: 'nav.accounts', testId: 'nav-accounts', permission: 'parties:read' },
      { href: '/users', label: 'nav.users', testId: 'nav-users', permission: 'users:read' },
      { href: '/access-reviews', label: 'nav.accessReviews', testId: 'nav-access-reviews', permission: 'users:manage' },
      { href: '/roles', label: 'nav.roles', testId: 'nav-roles', permission: 'roles:read' },
      { href: '/policies', label: 'nav.policies', testId: 'nav-policies', permission: 'policies:manage' },
      {
        href: '/integrations',
        label: 'nav.integrations',
        testId: 'nav-integrations',
        permission: 'integrations:manage',
      },
      { href: '/imports', label: 'nav.imports', testId: 'nav-imports', permission: 'imports:run' },
    ],
  },
  {
    key: 'security',
    label: 'nav.group.security',
    items: [
      { href: '/audit', label: 'nav.audit', testId: 'nav-audit', permission: 'audit:read' },
      {
        href: '/security',
        label: 'nav.securityPosture',
        testId: 'nav-security-posture',
        permission: 'security-posture:read',
        end: true,
      },
      { href: '/alerts', label: 'nav.alerts', testId: 'nav-alerts', permission: 'security-posture:read' },
    ],
  },
];

/** Up to this many links sit side by side; past it, groups of two or more become menus. */
const FLAT_MAX = 5;

/** The navigation's top-level entries for the current user: links, and menus of links. */
type NavEntry = { kind: 'link'; item: NavItem } | { kind: 'menu'; group: NavGroup };
function navEntries(): NavEntry[] {
  const groups = NAV.map((g) => ({ ...g, items: g.items.filter((i) => can(i.permission)) })).filter(
    (g) => g.items.length > 0,
  );
  const total = groups.reduce((n, g) => n + g.items.length, 0);
  return groups.flatMap((g): NavEntry[] =>
    total <= FLAT_MAX || g.items.length === 1
      ? g.items.map((item) => ({ kind: 'link', item }))
      : [{ kind: 'menu', group: g }],
  );
}

/** What the navigation shows, as text: two lists of entries showing the same links are the same navigation. */
const navShape = (entries: NavEntry[]) =>
  entries
    .map((e) => (e.kind === 'menu' ? `${e.group.key}:${e.group.items.map((i) => i.href).join(',')}` : e.item.href))
    .join('|');

/**
 * The entries as a memo that changes only when the links do: the user's record is replaced after sign-in
 * (the first sign-in stores the browser's language), and rebuilding the entries then would remount every
 * menu, closing one the user had just opened.
 */
const createNavEntries = () => createMemo(navEntries, [], { equals: (a, b) => navShape(a) === navShape(b) });

/** Is `href` the current page or a page under it (menus mark the group holding the current page)? */
const within = (pathname: string, href: string) => pathname === href || pathname.startsWith(`${href}/`);

/**
 * A group of links behind a disclosure button (not an ARIA menu: its items are plain links in the tab
 * order). Escape closes it and returns focus to the button; so do leaving it, a click outside and following
 * one of its links.
 */
function NavMenu(props: { group: NavGroup }) {
  const location = useLocation();
  const [open, setOpen] = createSignal(false);
  let root: HTMLLIElement | undefined;
  let button: HTMLButtonElement | undefined;
  const current = () => props.group.items.some((i) => within(location.pathname, i.href));
  createEffect(
    on(
      () => location.pathname,
      () => setOpen(false),
      { defer: true },
    ),
  );
  const onDocumentClick = (e: MouseEvent) => {
    if (open() && root && !root.contains(e.target as Node)) setOpen(false);
  };
  onMount(() => document.addEventListener('click', onDocumentClick));
  onCleanup(() => document.removeEventListener('click', onDocumentClick));
  const panelId = `nav-menu-${props.group.key}`;
  return (
    <li
      class="nav-menu"
      ref={root}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open()) {
          e.preventDefault();
          setOpen(false);
          button?.focus();
        }
      }}
      onFocusOut={(e) => {
        if (root && !root.contains(e.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <button
        type="button"
        class="nav-menu-button"
        classList={{ active: current() }}
        ref={button}
        aria-expanded={open()}
        aria-controls={panelId}
        data-testid={`nav-group-${props.group.key}`}
        onClick={() => setOpen(!open())}
      >
        {t(props.group.label)}
        <Show when={current()}>
          <span class="visually-hidden"> {t('nav.currentSection')}</span>
        </Show>
        <span class="nav-menu-caret" aria-hidden="true" />
      </button>
      <ul id={panelId} class="nav-menu-panel" hidden={!open()}>
        <For each={props.group.items}>
          {(n) => (
            <li>
              <A href={n.href} data-testid={n.testId} end={n.end ?? false}>
                {t(n.label)}
              </A>
            </li>
          )}
        </For>
      </ul>
    </li>
  );
}

/**
 * The signed-in shell: loads who the user is, sends signed-out users to /sign-in (remembering the way
 * back), and frames every page with the header, navigation and the main landmark. While the organisation
 * requires two-factor authentication that the user has not set up, every page is the enrolment.
 */
export function Shell(props: RouteSectionProps) {
  const location = useLocation();
  const navigate = useNavigate();

  createEffect(() => {
    const state = auth();
    if (state.status !== 'signed-out') return;
    navigate(state.returnTo ? signInHref(location.pathname + location.search) : '/sign-in', { replace: true });
  });

  createEffect(() => {
    if (mustEnrolTotp() && location.pathname !== ENROL_PATH) {
      navigate(enrolHref(location.pathname + location.search), { replace: true });
    }
  });

  return (
    <Switch>
      <Match when={auth().status === 'loading'}>
        <p class="page-message" role="status">
          {t('shell.loading')}
        </p>
      </Match>
      <Match when={authError()}>
        {(message) => (
          <main class="page-message">
            <h1>{t('shell.unavailable')}</h1>
            <ErrorPanel message={message()} onRetry={() => void loadMe()} />
          </main>
        )}
      </Match>
      <Match when={blockedMessage()}>{(message) => <NetworkBlocked message={message()} />}</Match>
      <Match when={currentMe()}>
        {(me) => (
          <Frame me={me()} restricted={me().security.mustEnrolTotp}>
            <Show when={!me().security.mustEnrolTotp} fallback={<EnrolmentRequired />}>
              {props.children}
            </Show>
          </Frame>
        )}
      </Match>
    </Switch>
  );
}

/** An IP allowlist of the user's organisation or role refuses this network: nothing else can work. */
function NetworkBlocked(props: { message: string }) {
  usePageTitle(() => t('shell.networkTitle'));
  return (
    <main id="main" class="page-message" tabindex="-1" data-testid="network-blocked">
      <h1>{t('shell.networkHeading')}</h1>
      <p class="form-error" role="alert">
        {props.message}
      </p>
      <p>{IP_NOT_ALLOWED_HELP}</p>
      <p>
        <button type="button" class="button" onClick={() => void loadMe()}>
          {t('common.tryAgain')}
        </button>
      </p>
    </main>
  );
}

/** `restricted`: only sign-out in the header (two-factor enrolment is required before anything else). */
function Frame(props: { me: Me; restricted: boolean; children: RouteSectionProps['children'] }) {
  const location = useLocation();
  let main: HTMLElement | undefined;
  const [signOutError, setSignOutError] = createSignal<string | null>(null);
  const [signingOut, setSigningOut] = createSignal(false);
  const entries = createNavEntries();

  // The unread badge follows each page change (and the notification centre refreshes it itself).
  createEffect(
    on(
      () => location.pathname,
      () => {
        if (!props.restricted) void refreshUnread();
      },
    ),
  );

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
        {t('shell.skip')}
      </a>
      <header class="site-header">
        <div class="header-inner">
          <Show when={!props.restricted} fallback={<span class="brand">Gatehouse</span>}>
            <A href="/" class="brand" end>
              Gatehouse
            </A>
          </Show>
          <Show when={!props.restricted && entries().length > 0}>
            <nav class="site-nav" aria-label={t('nav.label')} data-testid="site-nav">
              <ul class="nav-top">
                <For each={entries()}>
                  {(entry) =>
                    entry.kind === 'menu' ? (
                      <NavMenu group={entry.group} />
                    ) : (
                      <li>
                        <A href={entry.item.href} data-testid={entry.item.testId} end={entry.item.end ?? false}>
                          {t(entry.item.label)}
                        </A>
                      </li>
                    )
                  }
                </For>
              </ul>
            </nav>
          </Show>
          <div class="account">
            <p class="who">
              <span class="who-party" data-testid="party-name">
                {props.me.party.name}
              </span>
              <Show
                when={!props.restricted}
                fallback={
                  <span class="who-user" data-testid="user-name">
                    {props.me.user.displayName}
                  </span>
                }
              >
                <A href="/profile" class="who-user" data-testid="nav-profile">
                  <span data-testid="user-name">{props.me.user.displayName}</span>
                  <span class="visually-hidden"> {t('shell.yourProfile')}</span>
                </A>
              </Show>
            </p>
            <Show when={!props.restricted}>
              <A href="/notifications" class="who-user notifications-link" data-testid="nav-notifications">
                {t('nav.notifications')}
                <Show when={unread() > 0}>
                  {' '}
                  <span class="badge badge-count" data-testid="notifications-badge">
                    {unread()}
                  </span>
                  <span class="visually-hidden"> {t('shell.unread')}</span>
                </Show>
              </A>
            </Show>
            <button
              type="button"
              class="button button-quiet"
              data-testid="sign-out"
              onClick={onSignOut}
              aria-busy={signingOut()}
            >
              {t('shell.signOut')}
            </button>
          </div>
        </div>
        <Show when={signOutError()}>
          {(message) => (
            <p class="header-alert" role="alert">
              {t('shell.signOutFailed', { message: message() })}
            </p>
          )}
        </Show>
      </header>
      <main id="main" class="content" tabindex="-1" ref={main}>
        {props.children}
      </main>
      <ReauthDialog />
    </>
  );
}

/** The first page the app shows keeps the browser's own start; pages reached in the app start at their content. */
let firstPublicPage = true;

/** Frame for the pages used signed out (sign-in, setup, password reset, invitations). */
export function PublicFrame(props: { children: RouteSectionProps['children'] }) {
  let main: HTMLElement | undefined;
  onMount(() => {
    if (!firstPublicPage) main?.focus({ preventScroll: true });
    firstPublicPage = false;
  });
  return (
    <main id="main" class="public" tabindex="-1" ref={main}>
      <div class="public-card">
        <p class="public-brand">Gatehouse</p>
        {props.children}
      </div>
    </main>
  );
}
