import { pickLocale } from '@gatehouse/contract';
import { createSignal } from 'solid-js';
import { applyPreferences, browserLanguage, browserTimeZone } from './i18n.ts';
import { errorMessage, errorReason, isUnauthorized } from './shared/errors.ts';
import { type Me, type Permission, trpc } from './trpc.ts';

/**
 * Who is signed in, as the server last told us. Hiding navigation by permission is a courtesy:
 * every procedure checks permissions on the server.
 */
export type AuthState =
  | { status: 'loading' }
  | { status: 'signed-in'; me: Me }
  /** `returnTo`: bring the user back to where they were after signing in (not after signing out). */
  | { status: 'signed-out'; returnTo: boolean }
  | { status: 'error'; message: string }
  /** An IP allowlist of the user's organisation or role does not admit this network. */
  | { status: 'blocked'; message: string };

const [auth, setAuth] = createSignal<AuthState>({ status: 'loading' });
/** A one-off message for the sign-in page ("Your session has ended", "Administrator created"). */
const [notice, setNotice] = createSignal<string | null>(null);

export { auth, notice, setNotice };

export const SESSION_ENDED = 'Your session has ended. Please sign in again.';

export async function loadMe(): Promise<void> {
  setAuth({ status: 'loading' });
  await refreshMe();
}

/**
 * Asks the server who we are again without passing through 'loading' (pages stay on screen meanwhile).
 * auth.session answers null when signed out: public pages make no call that fails (no 401 in the console).
 */
export async function refreshMe(): Promise<void> {
  try {
    const me = await trpc.auth.session.query();
    setAuth(me ? { status: 'signed-in', me: await adoptPreferences(me) } : { status: 'signed-out', returnTo: true });
  } catch (err) {
    if (isUnauthorized(err)) setAuth({ status: 'signed-out', returnTo: true });
    else if (errorReason(err) === 'ip-not-allowed') setAuth({ status: 'blocked', message: errorMessage(err) });
    else setAuth({ status: 'error', message: errorMessage(err) });
  }
}

/** Where a user whose organisation requires two-factor authentication sets it up (nothing else opens first). */
export const ENROL_PATH = '/security/two-factor';

export function enrolHref(next: string): string {
  const target = safeNext(next);
  return target === '/' || target.startsWith(ENROL_PATH)
    ? ENROL_PATH
    : `${ENROL_PATH}?next=${encodeURIComponent(target)}`;
}

/** Signed in, but policy requires a second factor that is not set up yet: only enrolment and sign-out work. */
export function mustEnrolTotp(): boolean {
  return currentMe()?.security.mustEnrolTotp ?? false;
}

export function currentMe(): Me | undefined {
  const state = auth();
  return state.status === 'signed-in' ? state.me : undefined;
}

export function authError(): string | undefined {
  const state = auth();
  return state.status === 'error' ? state.message : undefined;
}

export function blockedMessage(): string | undefined {
  const state = auth();
  return state.status === 'blocked' ? state.message : undefined;
}

export function can(permission: Permission): boolean {
  return currentMe()?.permissions.includes(permission) ?? false;
}

export function signedIn(me: Me): void {
  setNotice(null);
  setAuth({ status: 'signed-in', me });
  void adoptPreferences(me).then((adopted) => {
    if (adopted !== me && currentMe()?.user.id === adopted.user.id) setAuth({ status: 'signed-in', me: adopted });
  });
}

/**
 * Shows the portal in the user's language and time zone (docs/i18n.md). A user who has none yet (first
 * sign-in) gets the browser's, stored on the server so every later sign-in, on any device, keeps them.
 */
async function adoptPreferences(me: Me): Promise<Me> {
  if (me.preferences) {
    await applyPreferences(me.preferences);
    return me;
  }
  try {
    const stored = await trpc.auth.setPreferences.mutate({
      locale: pickLocale(browserLanguage()),
      timeZone: browserTimeZone(),
    });
    await applyPreferences(stored.preferences);
    return stored;
  } catch {
    // Not stored this time (a second factor to set up first, say): the browser's own, asked again next time.
    await applyPreferences(null);
    return me;
  }
}

/** After the Profile page saved a language or time zone: the whole portal follows at once. */
export async function preferencesChanged(me: Me): Promise<void> {
  await applyPreferences(me.preferences);
  setAuth({ status: 'signed-in', me });
}

/** Ends the session on the server. Returns an error message to show, or null when signed out. */
export async function signOut(): Promise<string | null> {
  try {
    await trpc.auth.logout.mutate();
  } catch (err) {
    if (!isUnauthorized(err)) return errorMessage(err);
  }
  setNotice('You have signed out.');
  setAuth({ status: 'signed-out', returnTo: false });
  return null;
}

/** The server has ended every session (a password reset): forget ours and say why on the sign-in page. */
export function signedOutBecause(message: string): void {
  setAuth({ status: 'signed-out', returnTo: false });
  setNotice(message);
}

/**
 * Wrap every data call: an UNAUTHORIZED answer while we believed we were signed in means the session
 * expired or was revoked; the layout then sends the user to sign in and back here afterwards.
 * A refusal for a missing second factor sends the user to enrolment; one for a disallowed network
 * replaces the app with that message (the layout does both).
 */
export async function guard<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    const state = auth();
    if (state.status === 'signed-in') {
      const reason = errorReason(err);
      if (isUnauthorized(err)) {
        setNotice(SESSION_ENDED);
        setAuth({ status: 'signed-out', returnTo: true });
      } else if (reason === 'totp-enrolment-required' && !state.me.security.mustEnrolTotp) {
        setAuth({ status: 'signed-in', me: { ...state.me, security: { ...state.me.security, mustEnrolTotp: true } } });
      } else if (reason === 'ip-not-allowed') {
        setAuth({ status: 'blocked', message: errorMessage(err) });
      }
    }
    throw err;
  }
}

/** After a password re-entry: sensitive actions need none until `until`. */
export function setRecentAuthUntil(until: string): void {
  const state = auth();
  if (state.status !== 'signed-in') return;
  setAuth({ status: 'signed-in', me: { ...state.me, security: { ...state.me.security, recentAuthUntil: until } } });
}

/** Only same-origin absolute paths may be returned to after sign-in (no open redirects). */
export function safeNext(raw: string | null | undefined): string {
  if (!raw?.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  if (
    PUBLIC_PATHS.some((p) => raw === p || raw.startsWith(`${p}?`) || raw.startsWith(`${p}#`) || raw.startsWith(`${p}/`))
  )
    return '/';
  return raw;
}

/** Pages used signed out: never a place to return to after signing in. */
const PUBLIC_PATHS = ['/sign-in', '/setup', '/forgot-password', '/reset-password', '/accept-invitation'];

export function signInHref(next: string): string {
  const target = safeNext(next);
  return target === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(target)}`;
}
