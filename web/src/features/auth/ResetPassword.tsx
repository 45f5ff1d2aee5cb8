import { A, useNavigate } from '@solidjs/router';
import { createResource, createSignal, Show } from 'solid-js';
import { signedOutBecause } from '../../auth.ts';
import { useHashToken } from '../../hash-token.ts';
import { t } from '../../i18n.ts';
import { PublicFrame } from '../../layout.tsx';
import { usePageTitle } from '../../shared/data.tsx';
import { errorCode, errorMessage } from '../../shared/errors.ts';
import { FormError, NewPasswordFields, passwordProblemText } from '../../shared/forms.tsx';
import { trpc } from '../../trpc.ts';

export const PASSWORD_RESET_DONE = () => t('reset.done');
/** Said as soon as the page opens with a spent, expired or damaged link: before anyone types a password. */
export const RESET_LINK_SPENT = () => t('reset.linkSpent');

/** Chooses a new password from the mailed link (`/reset-password#token=...`). */
export default function ResetPassword() {
  usePageTitle(() => t('reset.chooseTitle'));
  const navigate = useNavigate();
  const token = useHashToken();
  const [error, setError] = createSignal<string | null>(null);
  const [invalid, setInvalid] = createSignal<'new' | 'confirm' | null>(null);
  /** The server's word that the link is spent, expired or wrong: the form goes, a way to a new link stays. */
  const [linkProblem, setLinkProblem] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  // Is the link still good? Asked once as the page opens (auth.passwordResetInfo: valid or not, nothing more).
  const [check] = createResource(token, async (t) => {
    try {
      return { valid: (await trpc.auth.passwordResetInfo.query({ token: t })).valid, error: null };
    } catch (err) {
      // Could not tell (offline, throttled): say so, and let the server judge the link on submit.
      return { valid: true, error: errorMessage(err) };
    }
  });
  const problem = () => linkProblem() ?? (check()?.valid === false ? RESET_LINK_SPENT() : null);
  let newInput: HTMLInputElement | undefined;
  let confirmInput: HTMLInputElement | undefined;

  const fail = (message: string, field: 'new' | 'confirm') => {
    setError(message);
    setInvalid(field);
    const input = field === 'new' ? newInput : confirmInput;
    input?.select();
    input?.focus();
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const resetToken = token();
    if (submitting() || !resetToken) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const newPassword = String(data.get('newPassword') ?? '');
    const confirmPassword = String(data.get('confirmPassword') ?? '');
    const problem = passwordProblemText(newPassword);
    if (problem) return fail(problem, 'new');
    if (newPassword !== confirmPassword) return fail(t('password.mismatch'), 'confirm');
    setSubmitting(true);
    setError(null);
    setInvalid(null);
    try {
      await trpc.auth.resetPassword.mutate({ token: resetToken, newPassword });
      // Every session of the account has ended, this browser's included.
      signedOutBecause(PASSWORD_RESET_DONE());
      navigate('/sign-in', { replace: true });
    } catch (err) {
      setSubmitting(false);
      const message = errorMessage(err);
      // The rules (length, common passwords, personal words) are about the password; anything else about the link.
      if (errorCode(err) === 'BAD_REQUEST' && /\blink\b/i.test(message)) setLinkProblem(message);
      else fail(message, 'new');
    }
  };

  return (
    <PublicFrame>
      <h1>{t('reset.chooseTitle')}</h1>
      <Show when={!(token() && check.loading)} fallback={<p aria-busy="true">{t('reset.checking')}</p>}>
        <Show
          when={token() && !problem()}
          fallback={
            <div data-testid="reset-link-problem">
              <p class="form-error" role="alert">
                {problem() ?? t('reset.needsLink')}
              </p>
              <p class="form-links">
                <A href="/forgot-password">{t('reset.askNewLink')}</A>
                <A href="/sign-in">{t('reset.backToSignIn')}</A>
              </p>
            </div>
          }
        >
          <p>{t('reset.chooseIntro')}</p>
          <form
            class="form"
            onSubmit={onSubmit}
            novalidate
            data-testid="reset-form"
            aria-describedby={error() ? 'reset-error' : undefined}
          >
            <FormError id="reset-error" message={error() ?? check()?.error ?? null} />
            <NewPasswordFields
              idPrefix="reset"
              invalid={invalid()}
              newRef={(el) => {
                newInput = el;
              }}
              confirmRef={(el) => {
                confirmInput = el;
              }}
            />
            <button type="submit" class="button button-primary" disabled={submitting()} aria-busy={submitting()}>
              {t('reset.setPassword')}
            </button>
          </form>
        </Show>
      </Show>
    </PublicFrame>
  );
}
