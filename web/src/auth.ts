import { createSignal } from 'solid-js';
import { errorMessage, isUnauthorized } from './errors.ts';
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
  | { status: 'error'; message: string };

const [auth, setAuth] = createSignal<AuthState>({ status: 'loading' });
/** A one-off message for the sign-in page ("Your session has ended", "Administrator created"). */
const [notice, setNotice] = createSignal<string | null>(null);

export { auth, notice, setNotice };

export const SESSION_ENDED = 'Your session has ended. Please sign in again.';

export async function loadMe(): Promise<void> {
  setAuth({ status: 'loading' });
  try {
    setAuth({ status: 'signed-in', me: await trpc.auth.me.query() });
  } catch (err) {
    setAuth(
      isUnauthorized(err) ? { status: 'signed-out', returnTo: true } : { status: 'error', message: errorMessage(err) },
    );
  }
}

export function currentMe(): Me | undefined {
  const state = auth();
  return state.status === 'signed-in' ? state.me : undefined;
}

export function authError(): string | undefined {
  const state = auth();
  return state.status === 'error' ? state.message : undefined;
}

export function can(permission: Permission): boolean {
  return currentMe()?.permissions.includes(permission) ?? false;
}

export function signedIn(me: Me): void {
  setNotice(null);
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

/**
 * Wrap every data call: an UNAUTHORIZED answer while we believed we were signed in means the session
 * expired or was revoked; the layout then sends the user to sign in and back here afterwards.
 */
export async function guard<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (isUnauthorized(err) && auth().status === 'signed-in') {
      setNotice(SESSION_ENDED);
      setAuth({ status: 'signed-out', returnTo: true });
    }
    throw err;
  }
}

/** Only same-origin absolute paths may be returned to after sign-in (no open redirects). */
export function safeNext(raw: string | null | undefined): string {
  if (!raw?.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  if (raw === '/sign-in' || raw.startsWith('/sign-in?') || raw.startsWith('/setup')) return '/';
  return raw;
}

export function signInHref(next: string): string {
  const target = safeNext(next);
  return target === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(target)}`;
}
