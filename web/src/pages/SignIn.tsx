import { useNavigate, useSearchParams } from '@solidjs/router';
import { createEffect, createSignal, Show } from 'solid-js';
import { auth, notice, safeNext, signedIn } from '../auth.ts';
import { usePageTitle } from '../data.tsx';
import { errorMessage } from '../errors.ts';
import { PublicFrame } from '../layout.tsx';
import { trpc } from '../trpc.ts';

export default function SignIn() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [error, setError] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  let passwordInput: HTMLInputElement | undefined;
  usePageTitle(() => 'Sign in');

  const next = () => safeNext(typeof params.next === 'string' ? params.next : undefined);

  // Signed in (just now, or already when the page opened): continue to where the user was going.
  createEffect(() => {
    if (auth().status === 'signed-in') navigate(next(), { replace: true });
  });

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (submitting()) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const email = String(data.get('email') ?? '').trim();
    const password = String(data.get('password') ?? '');
    if (!email || !password) {
      setError('Enter your email and password.');
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const result = await trpc.auth.login.mutate({ email, password });
      signedIn(result.me);
    } catch (err) {
      setError(errorMessage(err));
      setSubmitting(false);
      passwordInput?.select();
      passwordInput?.focus();
    }
  };

  return (
    <PublicFrame>
      <h1>Sign in</h1>
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
            <p class="form-error" role="alert" id="sign-in-error" data-testid="sign-in-error">
              {message()}
            </p>
          )}
        </Show>
        <div class="field">
          <label for="sign-in-email">Email</label>
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
          <label for="sign-in-password">Password</label>
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
          Sign in
        </button>
      </form>
    </PublicFrame>
  );
}
