import { LIMITS } from '@gatehouse/contract';
import { A, useNavigate } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { setNotice } from '../../auth.ts';
import { useHashToken } from '../../hash-token.ts';
import { t } from '../../i18n.ts';
import { PublicFrame } from '../../layout.tsx';
import { usePageTitle } from '../../shared/data.tsx';
import { errorCode, errorMessage } from '../../shared/errors.ts';
import { trpc } from '../../trpc.ts';

export default function Setup() {
  const navigate = useNavigate();
  const token = useHashToken();
  const [error, setError] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  usePageTitle(() => t('setup.title'));

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
      setNotice(t('setup.done'));
      navigate('/sign-in', { replace: true });
    } catch (err) {
      // A spent or replaced link is refused as FORBIDDEN (its only refusal of that kind): worded here. The
      // other refusals (password rules, an address in use) are the server's sentences, shown as sent.
      setError(errorCode(err) === 'FORBIDDEN' ? t('setup.linkInvalid') : errorMessage(err));
      setSubmitting(false);
    }
  };

  return (
    <PublicFrame>
      <h1>{t('setup.title')}</h1>
      <Show
        when={token()}
        fallback={
          <>
            <p role="alert" class="form-error" data-testid="setup-no-token">
              {t('setup.needsLink')}
            </p>
            <p>
              {t('setup.alreadySetUp')} <A href="/sign-in">{t('setup.signIn')}</A>
            </p>
          </>
        }
      >
        <p>{t('setup.intro')}</p>
        <form class="form" onSubmit={onSubmit} novalidate>
          <Show when={error()}>
            {(message) => (
              <p class="form-error" role="alert" data-testid="setup-error">
                {message()}
              </p>
            )}
          </Show>
          <div class="field">
            <label for="setup-organisation">{t('setup.organisation')}</label>
            <input
              id="setup-organisation"
              name="organisationName"
              autocomplete="organization"
              maxlength={LIMITS.nameMax}
              required
            />
          </div>
          <div class="field">
            <label for="setup-name">{t('setup.name')}</label>
            <input id="setup-name" name="displayName" autocomplete="name" maxlength={LIMITS.nameMax} required />
          </div>
          <div class="field">
            <label for="setup-email">{t('setup.email')}</label>
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
            <label for="setup-password">{t('password.password')}</label>
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
              {t('password.hint', { count: LIMITS.passwordMin })}
            </p>
          </div>
          <div class="field">
            <label for="setup-confirm">{t('password.confirm')}</label>
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
            {t('setup.submit')}
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
  if (!input.organisationName) return t('setup.organisationMissing');
  if (!input.displayName) return t('setup.nameMissing');
  if (!/^[^\s@]+@[^\s@]+$/.test(input.email)) return t('setup.emailInvalid');
  if (input.password.length < LIMITS.passwordMin) return t('password.tooShort', { count: LIMITS.passwordMin });
  if (input.password.length > LIMITS.passwordMax) return t('password.tooLong', { count: LIMITS.passwordMax });
  if (input.password !== confirm) return t('password.mismatch');
  return null;
}
