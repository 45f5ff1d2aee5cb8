import { LIMITS } from '@gatehouse/contract';
import { A } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { PublicFrame } from '../../layout.tsx';
import { usePageTitle } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { FormError } from '../../shared/forms.tsx';
import { trpc } from '../../trpc.ts';

/** Said for every address, known or not, so the page cannot be used to find out who has an account. */
export const RESET_SENT =
  'If an account exists for that address, we have sent a link to it. The link works once, for 30 minutes.';

/** "Forgot your password?": asks for a reset link by mail. */
export default function ForgotPassword() {
  usePageTitle(() => 'Reset your password');
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
      setError('Enter the email address you sign in with.');
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
            <h1>Reset your password</h1>
            <p>Enter the email address you sign in with. We will send you a link to choose a new password.</p>
            <form
              class="form"
              onSubmit={onSubmit}
              novalidate
              data-testid="forgot-form"
              aria-describedby={error() ? 'forgot-error' : undefined}
            >
              <FormError id="forgot-error" message={error()} />
              <div class="field">
                <label for="forgot-email">Email</label>
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
                {submitting() ? 'Sending…' : 'Send reset link'}
              </button>
            </form>
            <p class="form-links">
              <A href="/sign-in">Back to sign in</A>
            </p>
          </>
        }
      >
        {(email) => (
          <>
            <h1 class="focus-target" tabindex="-1" ref={sentHeading}>
              Check your email
            </h1>
            <p class="notice" role="status" data-testid="forgot-sent">
              {RESET_SENT}
            </p>
            <p>
              We used <strong class="break">{email()}</strong>. Nothing there after a few minutes? Check your spam
              folder, or{' '}
              <button
                type="button"
                class="link-button"
                onClick={() => {
                  setSentTo(null);
                  emailInput?.focus();
                }}
              >
                try another address
              </button>
              .
            </p>
            <p class="form-links">
              <A href="/sign-in">Back to sign in</A>
            </p>
          </>
        )}
      </Show>
    </PublicFrame>
  );
}
