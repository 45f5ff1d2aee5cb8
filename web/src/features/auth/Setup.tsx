import { LIMITS } from '@gatehouse/contract';
import { A, useNavigate } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { setNotice } from '../../auth.ts';
import { useHashToken } from '../../hash-token.ts';
import { PublicFrame } from '../../layout.tsx';
import { usePageTitle } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { trpc } from '../../trpc.ts';

export default function Setup() {
  const navigate = useNavigate();
  const token = useHashToken();
  const [error, setError] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  usePageTitle(() => 'Set up Gatehouse');

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const setupToken = token();
    if (submitting() || setupToken === null) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const field = (name: string) => String(data.get(name) ?? '');
    const input = {
      token: setupToken,
      organisationName: field('organisationName').trim(),
      displayName: field('displayName').trim(),
      email: field('email').trim(),
      password: field('password'),
    };
    const problem = validate(input, field('confirmPassword'));
    if (problem) {
      setError(problem);
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      await trpc.setup.complete.mutate(input);
      setNotice('Administrator created, sign in.');
      navigate('/sign-in', { replace: true });
    } catch (err) {
      setError(errorMessage(err));
      setSubmitting(false);
    }
  };

  return (
    <PublicFrame>
      <h1>Set up Gatehouse</h1>
      <Show
        when={token()}
        fallback={
          <>
            <p role="alert" class="form-error" data-testid="setup-no-token">
              This page needs the one-time setup link that the server prints when it starts.
            </p>
            <p>
              Already set up? <A href="/sign-in">Sign in</A>
            </p>
          </>
        }
      >
        <p>Create your organisation and its first administrator.</p>
        <form class="form" onSubmit={onSubmit} novalidate>
          <Show when={error()}>
            {(message) => (
              <p class="form-error" role="alert" data-testid="setup-error">
                {message()}
              </p>
            )}
          </Show>
          <div class="field">
            <label for="setup-organisation">Organisation name</label>
            <input
              id="setup-organisation"
              name="organisationName"
              autocomplete="organization"
              maxlength={LIMITS.nameMax}
              required
            />
          </div>
          <div class="field">
            <label for="setup-name">Your name</label>
            <input id="setup-name" name="displayName" autocomplete="name" maxlength={LIMITS.nameMax} required />
          </div>
          <div class="field">
            <label for="setup-email">Email</label>
            <input
              id="setup-email"
              name="email"
              type="email"
              autocomplete="username"
              inputmode="email"
              spellcheck={false}
              maxlength={LIMITS.emailMax}
              required
            />
          </div>
          <div class="field">
            <label for="setup-password">Password</label>
            <input
              id="setup-password"
              name="password"
              type="password"
              autocomplete="new-password"
              minlength={LIMITS.passwordMin}
              maxlength={LIMITS.passwordMax}
              aria-describedby="setup-password-hint"
              required
            />
            <p class="hint" id="setup-password-hint">
              At least {LIMITS.passwordMin} characters. A passphrase of several words is easy to remember.
            </p>
          </div>
          <div class="field">
            <label for="setup-confirm">Confirm password</label>
            <input
              id="setup-confirm"
              name="confirmPassword"
              type="password"
              autocomplete="new-password"
              maxlength={LIMITS.passwordMax}
              required
            />
          </div>
          <button type="submit" class="button button-primary" disabled={submitting()} aria-busy={submitting()}>
            Create administrator
          </button>
        </form>
      </Show>
    </PublicFrame>
  );
}

function validate(
  input: { organisationName: string; displayName: string; email: string; password: string },
  confirm: string,
): string | null {
  if (!input.organisationName) return 'Enter the name of your organisation.';
  if (!input.displayName) return 'Enter your name.';
  if (!/^[^\s@]+@[^\s@]+$/.test(input.email)) return 'Enter a valid email address.';
  if (input.password.length < LIMITS.passwordMin) return `Use at least ${LIMITS.passwordMin} characters.`;
  if (input.password.length > LIMITS.passwordMax) return `Use at most ${LIMITS.passwordMax} characters.`;
  if (input.password !== confirm) return 'The two passwords do not match.';
  return null;
}
