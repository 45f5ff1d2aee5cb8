import { LIMITS, REAUTH_WINDOW_MINUTES } from '@gatehouse/contract';
import { createEffect, createSignal, onCleanup, onMount } from 'solid-js';
import { guard, setRecentAuthUntil } from '../auth.ts';
import { t } from '../i18n.ts';
import { trpc } from '../trpc.ts';
import { errorMessage, errorReason, isUnauthorized, UserFacingError } from './errors.ts';
import { FormError } from './forms.tsx';

/** What a call that needed a password re-entry says when the user closed the dialog instead. */
export const REAUTH_CANCELLED = () => t('reauth.cancelled');

export class ReauthCancelled extends UserFacingError {
  constructor() {
    super(REAUTH_CANCELLED());
  }
}

type Request = { resolve: (confirmed: boolean) => void };
const [request, setRequest] = createSignal<Request | null>(null);
let pending: Promise<boolean> | null = null;
let dialogsMounted = 0;

/**
 * Asks for the password in the dialog (one at a time: concurrent askers share the answer). Resolves true
 * once the server has accepted it, false when the user cancelled.
 */
export function confirmPassword(): Promise<boolean> {
  if (dialogsMounted === 0) return Promise.resolve(false);
  if (pending) return pending;
  pending = new Promise<boolean>((resolve) => {
    setRequest({
      resolve: (confirmed) => {
        pending = null;
        setRequest(null);
        resolve(confirmed);
      },
    });
  });
  return pending;
}

/**
 * Runs a sensitive call. When the server answers FORBIDDEN with reason 'reauth-required' (the last password
 * entry is too long ago), asks for the password and retries the call once. Every call goes through guard().
 */
export async function withReauth<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await guard(call());
  } catch (err) {
    if (errorReason(err) !== 'reauth-required') throw err;
    if (!(await confirmPassword())) throw new ReauthCancelled();
    return guard(call());
  }
}

/**
 * "Confirm your password": a modal dialog (the browser's own <dialog>: focus stays inside, Escape cancels,
 * focus returns to where it was). Mounted once, by the signed-in shell.
 */
export function ReauthDialog() {
  let dialog: HTMLDialogElement | undefined;
  let passwordInput: HTMLInputElement | undefined;
  let form: HTMLFormElement | undefined;
  const [error, setError] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);

  onMount(() => {
    dialogsMounted += 1;
  });
  onCleanup(() => {
    dialogsMounted -= 1;
    request()?.resolve(false);
  });

  createEffect(() => {
    if (request()) {
      setError(null);
      form?.reset();
      if (!dialog?.open) dialog?.showModal();
      passwordInput?.focus();
    } else if (dialog?.open) {
      dialog.close();
    }
  });

  const answer = (confirmed: boolean) => request()?.resolve(confirmed);

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (submitting()) return;
    const password = String(new FormData(event.currentTarget as HTMLFormElement).get('password') ?? '');
    if (!password) {
      setError(t('reauth.enter'));
      passwordInput?.focus();
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const { recentAuthUntil } = await guard(trpc.auth.reauthenticate.mutate({ password }));
      setRecentAuthUntil(recentAuthUntil);
      answer(true);
    } catch (err) {
      if (isUnauthorized(err)) {
        answer(false); // the session ended meanwhile: the shell sends the user to sign in
      } else {
        setError(errorMessage(err));
        passwordInput?.select();
        passwordInput?.focus();
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <dialog
      class="dialog"
      ref={dialog}
      aria-labelledby="reauth-title"
      aria-describedby="reauth-why"
      data-testid="reauth-dialog"
      onCancel={(event) => {
        event.preventDefault(); // Escape: close through the same path as the Cancel button
        answer(false);
      }}
    >
      <form class="form" onSubmit={onSubmit} novalidate ref={form}>
        <h2 id="reauth-title">{t('reauth.title')}</h2>
        <p id="reauth-why" class="hint">
          {t('reauth.why', { minutes: REAUTH_WINDOW_MINUTES })}
        </p>
        <FormError id="reauth-error" message={error()} />
        <div class="field">
          <label for="reauth-password">{t('signIn.password')}</label>
          <input
            id="reauth-password"
            name="password"
            type="password"
            autocomplete="current-password"
            maxlength={LIMITS.passwordMax}
            aria-describedby={error() ? 'reauth-error' : undefined}
            required
            ref={passwordInput}
          />
        </div>
        <div class="button-row">
          <button type="submit" class="button button-primary" disabled={submitting()} aria-busy={submitting()}>
            {t('reauth.confirm')}
          </button>
          <button type="button" class="button" onClick={() => answer(false)}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
