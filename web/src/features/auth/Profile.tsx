import { LIMITS, LOCALES, type Locale, pickLocale } from '@gatehouse/contract';
import { createSignal, For, onMount, Show } from 'solid-js';
import { currentMe, guard, preferencesChanged } from '../../auth.ts';
import { browserTimeZone, language, t, timeZone } from '../../i18n.ts';
import { ErrorPanel, usePageTitle } from '../../shared/data.tsx';
import { errorMessage, isNotFound } from '../../shared/errors.ts';
import { describeDevice, formatDateTime, formatTimeAgo, label } from '../../shared/format.ts';
import { passwordProblemText } from '../../shared/forms.tsx';
import { withReauth } from '../../shared/reauth.tsx';
import { trpc } from '../../trpc.ts';
import { NotificationPreferences } from './notification-preferences.tsx';
import { TwoFactorPanel } from './two-factor.tsx';

type Session = Awaited<ReturnType<typeof trpc.auth.sessions.list.query>>[number];

/** Who you are, your password, two-factor authentication, and where you are signed in. The Shell renders this only when signed in. */
export default function Profile() {
  usePageTitle(() => t('profile.title'));
  const sessions = createSessions();

  return (
    <section class="profile" aria-labelledby="profile-title">
      <h1 id="profile-title">{t('profile.title')}</h1>
      <Show when={currentMe()}>
        {(me) => (
          <dl class="summary" data-testid="profile-details">
            <div>
              <dt>{t('profile.name')}</dt>
              <dd>{me().user.displayName}</dd>
            </div>
            <div>
              <dt>{t('signIn.email')}</dt>
              <dd>{me().user.email}</dd>
            </div>
            <div>
              <dt>{t('profile.organisation')}</dt>
              <dd>
                {me().party.name} ({label(me().party.kind)})
              </dd>
            </div>
          </dl>
        )}
      </Show>
      <div class="panel-grid">
        <LanguagePanel />
        <ChangePassword onChanged={sessions.reload} />
        <TwoFactorPanel />
      </div>
      <NotificationPreferences />
      <Sessions sessions={sessions} />
    </section>
  );
}

/** Each language in its own name: a user who cannot read the current one still finds theirs. */
const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch' };

/**
 * The user's language and time zone (docs/i18n.md): set from the browser at first sign-in, changed here.
 * Saving applies at once: every text, date and amount of the portal follows.
 */
function LanguagePanel() {
  const [error, setError] = createSignal<string | null>(null);
  const [done, setDone] = createSignal(false);
  const [saving, setSaving] = createSignal(false);
  const zones = (() => {
    const all = Intl.supportedValuesOf('timeZone');
    // The current and the browser's zone are offered even where the runtime lists them under another name.
    return [...new Set([...all, 'UTC', timeZone(), browserTimeZone()])].sort();
  })();

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (saving()) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    setSaving(true);
    setError(null);
    setDone(false);
    try {
      const me = await guard(
        trpc.auth.setPreferences.mutate({
          locale: pickLocale(String(data.get('locale') ?? '')),
          timeZone: String(data.get('timeZone') ?? ''),
        }),
      );
      await preferencesChanged(me);
      setDone(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="language-title">
      <h2 id="language-title">{t('profile.languageTitle')}</h2>
      <form class="form" onSubmit={onSubmit} novalidate data-testid="language-form">
        <Show when={error()}>
          {(message) => (
            <p class="form-error" role="alert">
              {message()}
            </p>
          )}
        </Show>
        <div role="status">
          <Show when={done()}>
            <p class="notice">{t('profile.languageSaved')}</p>
          </Show>
        </div>
        <div class="field">
          <label for="profile-locale">{t('profile.language')}</label>
          <select id="profile-locale" name="locale" data-testid="profile-locale">
            <For each={LOCALES}>
              {(code) => (
                <option value={code} lang={code} selected={code === language()}>
                  {LANGUAGE_NAMES[code]}
                </option>
              )}
            </For>
          </select>
        </div>
        <div class="field">
          <label for="profile-time-zone">{t('profile.timeZone')}</label>
          <select
            id="profile-time-zone"
            name="timeZone"
            data-testid="profile-time-zone"
            aria-describedby="profile-time-zone-hint"
          >
            <For each={zones}>
              {(zone) => (
                <option value={zone} selected={zone === timeZone()}>
                  {zone.replaceAll('_', ' ')}
                </option>
              )}
            </For>
          </select>
          <p class="hint" id="profile-time-zone-hint">
            {t('profile.timeZoneHint')}
          </p>
        </div>
        <button type="submit" class="button button-primary" disabled={saving()} aria-busy={saving()}>
          {t('profile.languageSave')}
        </button>
      </form>
    </section>
  );
}

function ChangePassword(props: { onChanged: () => void }) {
  const [error, setError] = createSignal<string | null>(null);
  const [done, setDone] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  let currentInput: HTMLInputElement | undefined;
  let newInput: HTMLInputElement | undefined;
  let confirmInput: HTMLInputElement | undefined;

  /** Shows the message and puts the caret in the field to fix. */
  const fail = (message: string, field: HTMLInputElement | undefined) => {
    setError(message);
    field?.select();
    field?.focus();
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (submitting()) return;
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const currentPassword = String(data.get('currentPassword') ?? '');
    const newPassword = String(data.get('newPassword') ?? '');
    const confirmPassword = String(data.get('confirmPassword') ?? '');
    setDone(null);
    if (!currentPassword) return fail(t('password.enterCurrent'), currentInput);
    const me = currentMe();
    const problem = passwordProblemText(newPassword, {
      email: me?.user.email,
      name: me?.user.displayName,
      company: me?.party.name,
    });
    if (problem) return fail(problem, newInput);
    if (newPassword === currentPassword) return fail(t('password.different'), newInput);
    if (newPassword !== confirmPassword) return fail(t('password.newMismatch'), confirmInput);

    setSubmitting(true);
    setError(null);
    try {
      await withReauth(() => trpc.auth.changePassword.mutate({ currentPassword, newPassword }));
      form.reset();
      setDone(t('password.changed'));
      props.onChanged();
    } catch (err) {
      const message = errorMessage(err);
      fail(message, /current password/i.test(message) ? currentInput : newInput);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="password-title">
      <h2 id="password-title">{t('password.change')}</h2>
      <form
        class="form"
        onSubmit={onSubmit}
        novalidate
        data-testid="password-form"
        aria-describedby={error() ? 'password-error' : undefined}
      >
        <Show when={error()}>
          {(message) => (
            <p class="form-error" role="alert" id="password-error" data-testid="password-error">
              {message()}
            </p>
          )}
        </Show>
        <div role="status" data-testid="password-changed">
          <Show when={done()}>{(message) => <p class="notice">{message()}</p>}</Show>
        </div>
        <div class="field">
          <label for="profile-current-password">{t('password.current')}</label>
          <input
            id="profile-current-password"
            name="currentPassword"
            type="password"
            autocomplete="current-password"
            maxlength={LIMITS.passwordMax}
            required
            ref={currentInput}
          />
        </div>
        <div class="field">
          <label for="profile-new-password">{t('password.new')}</label>
          <input
            id="profile-new-password"
            name="newPassword"
            type="password"
            autocomplete="new-password"
            minlength={LIMITS.passwordMin}
            maxlength={LIMITS.passwordMax}
            aria-describedby="profile-new-password-hint"
            required
            ref={newInput}
          />
          <p class="hint" id="profile-new-password-hint">
            {t('password.hintShort', { count: LIMITS.passwordMin })}
          </p>
        </div>
        <div class="field">
          <label for="profile-confirm-password">{t('password.confirmNew')}</label>
          <input
            id="profile-confirm-password"
            name="confirmPassword"
            type="password"
            autocomplete="new-password"
            maxlength={LIMITS.passwordMax}
            required
            ref={confirmInput}
          />
        </div>
        <button type="submit" class="button button-primary" disabled={submitting()} aria-busy={submitting()}>
          {t('password.change')}
        </button>
      </form>
    </section>
  );
}

interface SessionsState {
  items: () => Session[];
  phase: () => 'loading' | 'ready' | 'error';
  error: () => string | null;
  reload: () => void;
}

/** The user's sessions, reloaded on demand; answers to superseded requests are dropped. */
function createSessions(): SessionsState {
  const [items, setItems] = createSignal<Session[]>([]);
  const [phase, setPhase] = createSignal<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = createSignal<string | null>(null);
  let generation = 0;

  async function reload() {
    const current = ++generation;
    setPhase('loading');
    setError(null);
    try {
      const list = await guard(trpc.auth.sessions.list.query());
      if (current !== generation) return;
      setItems(list);
      setPhase('ready');
    } catch (err) {
      if (current !== generation) return;
      setError(errorMessage(err));
      setPhase('error');
    }
  }

  onMount(() => void reload());
  return { items, phase, error, reload: () => void reload() };
}

function Sessions(props: { sessions: SessionsState }) {
  const { sessions } = props;
  const [announcement, setAnnouncement] = createSignal<string | null>(null);
  const [revokeError, setRevokeError] = createSignal<string | null>(null);
  /** The session being signed out ('others' for all of them), or null. */
  const [busy, setBusy] = createSignal<string | null>(null);
  const others = () => sessions.items().filter((s) => !s.current);
  let heading: HTMLHeadingElement | undefined;

  const revoke = async (input: { id: string } | { allOthers: true }, device?: string) => {
    if (busy()) return;
    setBusy('id' in input ? input.id : 'others');
    setAnnouncement(null);
    setRevokeError(null);
    try {
      const { ended } = await withReauth(() => trpc.auth.sessions.revoke.mutate(input));
      setAnnouncement(
        device ? t('sessions.signedOutOne', { device }) : t('sessions.signedOutOthers', { count: ended }),
      );
    } catch (err) {
      if (isNotFound(err)) setAnnouncement(t('sessions.alreadyEnded'));
      else setRevokeError(errorMessage(err));
    } finally {
      setBusy(null);
      sessions.reload();
      // The pressed button is gone: continue from the section rather than the top of the page.
      heading?.focus();
    }
  };

  return (
    <section class="panel panel-wide" aria-labelledby="sessions-title">
      <h2 id="sessions-title" class="focus-target" tabindex="-1" ref={heading}>
        {t('sessions.title')}
      </h2>
      <div role="status" data-testid="sessions-status">
        <Show when={announcement()}>{(message) => <p class="notice">{message()}</p>}</Show>
      </div>
      <Show when={revokeError()}>
        {(message) => (
          <p class="form-error" role="alert" data-testid="sessions-error">
            {t('sessions.failed', { message: message() })}
          </p>
        )}
      </Show>
      <Show when={sessions.phase() === 'error'}>
        <ErrorPanel message={sessions.error() ?? ''} onRetry={sessions.reload} />
      </Show>
      <Show when={sessions.phase() === 'loading' && sessions.items().length === 0}>
        <p class="list-message" role="status">
          {t('sessions.loading')}
        </p>
      </Show>
      <Show when={sessions.phase() === 'ready' && sessions.items().length === 0}>
        <p class="list-message" data-testid="sessions-empty">
          {t('sessions.none')}
        </p>
      </Show>
      <Show when={sessions.phase() !== 'error' && sessions.items().length > 0}>
        <div class="table-wrap stack">
          <table class="data-table" data-testid="sessions-table" aria-busy={sessions.phase() === 'loading'}>
            <caption class="visually-hidden">{t('sessions.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('sessions.device')}</th>
                <th scope="col">{t('sessions.ip')}</th>
                <th scope="col">{t('sessions.signedIn')}</th>
                <th scope="col">{t('sessions.lastActive')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('sessions.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={sessions.items()}>
                {(session) => {
                  const device = describeDevice(session.userAgent);
                  return (
                    <tr data-testid="session-row" data-current={session.current ? 'true' : undefined}>
                      <th scope="row" class="wrap">
                        <span class="device">
                          {device}
                          <Show when={session.current}>
                            <span class="badge badge-current" data-testid="this-device">
                              {t('sessions.thisDevice')}
                            </span>
                          </Show>
                        </span>
                      </th>
                      <td data-label={t('sessions.ip')}>
                        <span class="mono">{session.ip ?? t('sessions.unknown')}</span>
                      </td>
                      <td data-label={t('sessions.signedIn')}>
                        <time datetime={session.createdAt}>{formatDateTime(session.createdAt)}</time>
                      </td>
                      <td data-label={t('sessions.lastActive')}>
                        <time datetime={session.lastSeenAt} title={formatDateTime(session.lastSeenAt)}>
                          {session.current ? t('sessions.now') : formatTimeAgo(session.lastSeenAt)}
                        </time>
                      </td>
                      <td class="actions">
                        <Show when={!session.current}>
                          <button
                            type="button"
                            class="button button-small"
                            aria-label={t('sessions.signOutFrom', { device })}
                            disabled={busy() !== null}
                            aria-busy={busy() === session.id}
                            onClick={() => void revoke({ id: session.id }, device)}
                          >
                            {t('sessions.signOut')}
                          </button>
                        </Show>
                      </td>
                    </tr>
                  );
                }}
              </For>
            </tbody>
          </table>
        </div>
        <div class="panel-actions">
          <button
            type="button"
            class="button"
            data-testid="revoke-others"
            disabled={others().length === 0 || busy() !== null}
            aria-busy={busy() === 'others'}
            onClick={() => void revoke({ allOthers: true })}
          >
            {t('sessions.signOutOthers')}
          </button>
          <Show when={others().length === 0 && sessions.phase() === 'ready'}>
            <p class="hint">{t('sessions.nowhereElse')}</p>
          </Show>
        </div>
      </Show>
    </section>
  );
}
