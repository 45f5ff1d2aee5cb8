import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { createEffect, createSignal, Show } from 'solid-js';
import { auth, enrolHref, notice, safeNext, signedIn } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { PublicFrame } from '../../layout.tsx';
import { usePageTitle } from '../../shared/data.tsx';
import { errorMessage, errorReason, IP_NOT_ALLOWED_HELP } from '../../shared/errors.ts';
import { trpc } from '../../trpc.ts';

export default function SignIn() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [error, setError] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  /** Set after a correct password when the account has two-factor authentication on. */
  const [challenge, setChallenge] = createSignal<string | null>(null);
  const [useRecovery, setUseRecovery] = createSignal(false);
  /** The refusal was an IP allowlist: say what that means, not only that it failed. */
  const [networkRefused, setNetworkRefused] = createSignal(false);
  let passwordInput: HTMLInputElement | undefined;
  let codeInput: HTMLInputElement | undefined;
  usePageTitle(() => t('signIn.title'));

  const next = () => safeNext(typeof params.next === 'string' ? params.next : undefined);

  // Signed in (just now, or already when the page opened): continue to where the user was going, by way
  // of two-factor enrolment when the organisation requires it and it is not set up yet.
  createEffect(() => {
    const state = auth();
    if (state.status !== 'signed-in') return;
    navigate(state.me.security.mustEnrolTotp ? enrolHref(next()) : next(), { replace: true });
  });

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (submitting()) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const email = String(data.get('email') ?? '').trim();
    const password = String(data.get('password') ?? '');
    if (!email || !password) {
      setError(t('signIn.missing'));
      return;
    }
    setSubmitting(true);
    setError(null);
    setNetworkRefused(false);
    try {
      const result = await trpc.auth.login.mutate({ email, password });
      if (result.status === 'signed-in') {
        signedIn(result.me);
      } else {
        setChallenge(result.challenge);
        setSubmitting(false);
        queueMicrotask(() => codeInput?.focus());
      }
    } catch (err) {
      setError(errorMessage(err));
      setNetworkRefused(errorReason(err) === 'ip-not-allowed');
      setSubmitting(false);
      passwordInput?.select();
      passwordInput?.focus();
    }
  };

  const onCode = async (event: SubmitEvent) => {
    event.preventDefault();
    const pending = challenge();
    if (submitting() || !pending) return;
    const value = String(new FormData(event.currentTarget as HTMLFormElement).get('code') ?? '').trim();
    if (!value) {
      setError(useRecovery() ? t('signIn.enterRecovery') : t('signIn.enterCode'));
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const result = await trpc.auth.verifySecondFactor.mutate(
        useRecovery() ? { challenge: pending, recoveryCode: value } : { challenge: pending, code: value },
      );
      if (result.status === 'signed-in') signedIn(result.me);
    } catch (err) {
      setError(errorMessage(err));
      setNetworkRefused(errorReason(err) === 'ip-not-allowed');
      setSubmitting(false);
      // An expired challenge means starting again from the password.
      if (/expired/i.test(errorMessage(err))) setChallenge(null);
      else codeInput?.select();
    }
  };

  return (
    <PublicFrame>
      <h1>{t('signIn.title')}</h1>
      <Show when={challenge()}>
        <form class="form" onSubmit={onCode} novalidate data-testid="second-factor-form">
          <Show when={error()}>
            {(message) => (
              <p class="form-error" role="alert" data-testid="sign-in-error">
                {message()}
              </p>
            )}
          </Show>
          <div class="field">
            <label for="sign-in-code">{useRecovery() ? t('signIn.recoveryCode') : t('signIn.appCode')}</label>
            <input
              id="sign-in-code"
              name="code"
              type="text"
              autocomplete="one-time-code"
              inputmode={useRecovery() ? 'text' : 'numeric'}
              maxlength={useRecovery() ? 40 : 6}
              spellcheck={false}
              required
              ref={codeInput}
            />
          </div>
          <button type="submit" class="button button-primary" disabled={submitting()} aria-busy={submitting()}>
            {t('signIn.verify')}{' '}
          </button>
          <button type="button" class="button" onClick={() => setUseRecovery(!useRecovery())}>
            {useRecovery() ? t('signIn.useApp') : t('signIn.useRecovery')}
          </button>
        </form>
      </Show>
      <Show when={!challenge()}>
        <Show when={notice()}>
          {(text) => (
            <p class="notice" role="status" data-testid="sign-in-notice">
              {text()}
            </p>
          )}
        </Show>
        <form class="form" onSubmit={onSubmit} novalidate aria-describedby={error() ? 'sign-in-error' : undefined}>
          <Show when={error()}>
            {(message) => (
              <div class="form-error" role="alert" id="sign-in-error" data-testid="sign-in-error">
                <Show when={networkRefused()} fallback={message()}>
                  <strong class="form-error-title">{t('shell.networkHeading')}</strong>
                  <span class="form-error-line">{message()}</span>
                  <span class="form-error-line">{IP_NOT_ALLOWED_HELP}</span>
                </Show>
              </div>
            )}
          </Show>
          <div class="field">
            <label for="sign-in-email">{t('signIn.email')}</label>
            <input
              id="sign-in-email"
              name="email"
              type="email"
              autocomplete="username"
              inputmode="email"
              spellcheck={false}
              maxlength={254}
              required
            />
          </div>
          <div class="field">
            <label for="sign-in-password">{t('signIn.password')}</label>
            <input
              id="sign-in-password"
              name="password"
              type="password"
              autocomplete="current-password"
              maxlength={128}
              required
              ref={passwordInput}
            />
          </div>
          <button type="submit" class="button button-primary" disabled={submitting()} aria-busy={submitting()}>
            {t('signIn.submit')}
          </button>
        </form>
        <p class="form-links">
          <A href="/forgot-password" data-testid="forgot-link">
            {t('signIn.forgot')}
          </A>
        </p>
      </Show>
    </PublicFrame>
  );
}
