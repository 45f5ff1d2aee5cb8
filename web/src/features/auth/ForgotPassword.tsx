import { LIMITS } from '@gatehouse/contract';
import { A } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { t } from '../../i18n.ts';
import { PublicFrame } from '../../layout.tsx';
import { usePageTitle } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { FormError } from '../../shared/forms.tsx';
import { trpc } from '../../trpc.ts';

/** Said for every address, known or not, so the page cannot be used to find out who has an account. */
export const RESET_SENT = () => t('reset.sent');

/** "Forgot your password?": asks for a reset link by mail. */
export default function ForgotPassword() {
  usePageTitle(() => t('reset.title'));
  const [error, setError] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  const [sentTo, setSentTo] = createSignal<string | null>(null);
  let emailInput: HTMLInputElement | undefined;
  let sentHeading: HTMLHeadingElement | undefined;

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (submitting()) return;
    const email = String(new FormData(event.currentTarget as HTMLFormElement).get('email') ?? '').trim();
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
      setError(t('reset.enterEmail'));
      emailInput?.focus();
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      await trpc.auth.requestPasswordReset.mutate({ email });
      setSentTo(email);
      queueMicrotask(() => sentHeading?.focus());
    } catch (err) {
      // Too many requests (429) and network failures: the server's words, and the address stays to retry.
      setError(errorMessage(err));
      emailInput?.focus();
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <PublicFrame>
      <Show
        when={sentTo()}
        fallback={
          <>
            <h1>{t('reset.title')}</h1>
            <p>{t('reset.intro')}</p>
            <form
              class="form"
              onSubmit={onSubmit}
              novalidate
              data-testid="forgot-form"
              aria-describedby={error() ? 'forgot-error' : undefined}
            >
              <FormError id="forgot-error" message={error()} />
              <div class="field">
                <label for="forgot-email">{t('reset.email')}</label>
                <input
                  id="forgot-email"
                  name="email"
                  type="email"
                  autocomplete="username"
                  inputmode="email"
                  spellcheck={false}
                  maxlength={LIMITS.emailMax}
                  aria-invalid={error() ? 'true' : undefined}
                  required
                  ref={emailInput}
                />
              </div>
              <button type="submit" class="button button-primary" disabled={submitting()} aria-busy={submitting()}>
                {submitting() ? t('reset.sending') : t('reset.send')}
              </button>
            </form>
            <p class="form-links">
              <A href="/sign-in">{t('reset.backToSignIn')}</A>
            </p>
          </>
        }
      >
        {(email) => (
          <>
            <h1 class="focus-target" tabindex="-1" ref={sentHeading}>
              {t('reset.checkEmail')}
            </h1>
            <p class="notice" role="status" data-testid="forgot-sent">
              {RESET_SENT()}
            </p>
            <p>
              {t('reset.usedBefore')} <strong class="break">{email()}</strong>. {t('reset.nothingThere')}{' '}
              <button
                type="button"
                class="link-button"
                onClick={() => {
                  setSentTo(null);
                  emailInput?.focus();
                }}
              >
                {t('reset.tryAnother')}
              </button>
              .
            </p>
            <p class="form-links">
              <A href="/sign-in">{t('reset.backToSignIn')}</A>
            </p>
          </>
        )}
      </Show>
    </PublicFrame>
  );
}
