import { A, useNavigate } from '@solidjs/router';
import { createResource, createSignal, Match, Show, Switch } from 'solid-js';
import { ENROL_PATH, setNotice, signedIn } from '../../auth.ts';
import { useHashToken } from '../../hash-token.ts';
import { t } from '../../i18n.ts';
import { PublicFrame } from '../../layout.tsx';
import { usePageTitle } from '../../shared/data.tsx';
import { errorCode, errorMessage } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/format.ts';
import { FormError, NewPasswordFields, passwordProblemText } from '../../shared/forms.tsx';
import { trpc } from '../../trpc.ts';

const ASK_AGAIN = () => t('invite.askAgain');

/** Accepts an invitation from its mailed link (`/accept-invitation#token=...`): choose a password, signed in. */
export default function AcceptInvitation() {
  const navigate = useNavigate();
  const token = useHashToken();
  const [info] = createResource(token, (t) => trpc.auth.invitationInfo.query({ token: t }));
  const [error, setError] = createSignal<string | null>(null);
  const [invalid, setInvalid] = createSignal<'new' | 'confirm' | null>(null);
  /** The server's word that the invitation is used, expired or unknown (on opening it, or on accepting). */
  const [tokenProblem, setTokenProblem] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  let newInput: HTMLInputElement | undefined;
  let confirmInput: HTMLInputElement | undefined;
  usePageTitle(() => {
    const i = info.state === 'ready' ? info() : undefined;
    return i ? t('invite.join', { party: i.partyName }) : t('invite.title');
  });

  const problem = () =>
    tokenProblem() ??
    (token() === null ? t('invite.needsLink') : info.state === 'errored' ? errorMessage(info.error) : null);

  const fail = (message: string, field: 'new' | 'confirm') => {
    setError(message);
    setInvalid(field);
    const input = field === 'new' ? newInput : confirmInput;
    input?.select();
    input?.focus();
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const invitation = token();
    const who = info.state === 'ready' ? info() : undefined;
    if (submitting() || !invitation || !who) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const password = String(data.get('newPassword') ?? '');
    const confirm = String(data.get('confirmPassword') ?? '');
    const rule = passwordProblemText(password, { email: who.email, name: who.displayName, company: who.partyName });
    if (rule) return fail(rule, 'new');
    if (password !== confirm) return fail(t('password.mismatch'), 'confirm');
    setSubmitting(true);
    setError(null);
    setInvalid(null);
    try {
      const result = await trpc.auth.acceptInvitation.mutate({ token: invitation, password });
      if (result.status === 'signed-in') {
        signedIn(result.me);
        navigate(result.me.security.mustEnrolTotp ? ENROL_PATH : '/', { replace: true });
      } else {
        setNotice(t('invite.ready'));
        navigate('/sign-in', { replace: true });
      }
    } catch (err) {
      setSubmitting(false);
      const message = errorMessage(err);
      // The password rules (length, common passwords, personal words) are about the password; the rest
      // (used, expired, unknown) about the invitation.
      if (errorCode(err) === 'BAD_REQUEST' && !/invitation|link/i.test(message)) fail(message, 'new');
      else if (errorCode(err) === 'BAD_REQUEST' || errorCode(err) === 'NOT_FOUND') setTokenProblem(message);
      else fail(message, 'new');
    }
  };

  return (
    <PublicFrame>
      <Switch>
        <Match when={problem()}>
          {(message) => (
            <div data-testid="invitation-problem">
              <h1>{t('invite.title')}</h1>
              <p class="form-error" role="alert">
                {message()}
              </p>
              <Show when={!/administrator/i.test(message())}>
                <p>{ASK_AGAIN()}</p>
              </Show>
              <p class="form-links">
                <A href="/sign-in">{t('invite.signIn')}</A>
              </p>
            </div>
          )}
        </Match>
        <Match when={info.loading}>
          <h1>{t('invite.title')}</h1>
          <p class="list-message" role="status">
            {t('invite.checking')}
          </p>
        </Match>
        <Match when={info.state === 'ready' && info()}>
          {(who) => (
            <>
              <h1 data-testid="invitation-greeting">
                {t('invite.greetingBefore')} <span class="break">{who().partyName}</span> {t('invite.greetingAfter')}
              </h1>
              <p>
                {t('invite.welcome', { name: who().displayName })} <strong class="break">{who().email}</strong>.{' '}
                {t('invite.validUntil')} <time datetime={who().expiresAt}>{formatDateTime(who().expiresAt)}</time>.
              </p>
              <form
                class="form"
                onSubmit={onSubmit}
                novalidate
                data-testid="invitation-form"
                aria-describedby={error() ? 'invitation-error' : undefined}
              >
                <FormError id="invitation-error" message={error()} />
                {/* For password managers: the account the new password belongs to. */}
                <div class="field">
                  <label for="invitation-email">{t('reset.email')}</label>
                  <input
                    id="invitation-email"
                    name="email"
                    type="email"
                    autocomplete="username"
                    value={who().email}
                    readonly
                  />
                </div>
                <NewPasswordFields
                  idPrefix="invitation"
                  label={t('password.password')}
                  confirmLabel={t('password.confirm')}
                  invalid={invalid()}
                  newRef={(el) => {
                    newInput = el;
                  }}
                  confirmRef={(el) => {
                    confirmInput = el;
                  }}
                />
                <button type="submit" class="button button-primary" disabled={submitting()} aria-busy={submitting()}>
                  {t('invite.join', { party: who().partyName })}
                </button>
              </form>
            </>
          )}
        </Match>
      </Switch>
    </PublicFrame>
  );
}
