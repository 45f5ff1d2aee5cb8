import { createResource, createSignal, For, Show } from 'solid-js';
import { guard } from '../../auth.ts';
import { has, type MessageKey, t } from '../../i18n.ts';
import { ErrorPanel } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { trpc } from '../../trpc.ts';

type Mode = 'immediate' | 'digest' | 'off';
const MODES: { value: Mode; label: MessageKey }[] = [
  { value: 'immediate', label: 'notify.modeImmediate' },
  { value: 'digest', label: 'notify.modeDigest' },
  { value: 'off', label: 'notify.modeOff' },
];

/** An event type's name in the user's language (`notify.type.<type>`), else the server's English label. */
const typeLabel = (type: string, english: string) => {
  const key = `notify.type.${type}`;
  return has(key) ? t(key as MessageKey) : english;
};

/** The server's security mail kinds (English, server/src/users/notifications.ts), in the user's language. */
const SECURITY: Record<string, MessageKey> = {
  'Account locked after failed sign-ins': 'notify.securityLockout',
  'Sign-in from a new network': 'notify.securityNewNetwork',
  'Two-factor authentication turned on, off or reset': 'notify.securityTwoFactor',
  'Password reset': 'notify.securityPasswordReset',
};

/**
 * The Profile's notification mail choices: per event type, a mail at once, a daily digest, or none (it
 * still shows in Notifications). Security mail is listed as always sent: it has no choice to make.
 */
export function NotificationPreferences() {
  const [prefs, { mutate, refetch }] = createResource(() => guard(trpc.notifications.preferences.query()));
  const [error, setError] = createSignal<string | null>(null);
  const [saved, setSaved] = createSignal<string | null>(null);

  const choose = async (type: string, label: string, mode: Mode) => {
    setError(null);
    setSaved(null);
    const before = prefs();
    if (before) mutate({ ...before, items: before.items.map((i) => (i.type === type ? { ...i, mode } : i)) });
    try {
      await guard(trpc.notifications.setPreference.mutate({ type, mode }));
      setSaved(t('notify.saved', { type: label, mode }));
    } catch (err) {
      if (before) mutate(before);
      setError(errorMessage(err));
    }
  };

  return (
    <section class="panel panel-wide" aria-labelledby="notification-prefs-title" data-testid="notification-preferences">
      <h2 id="notification-prefs-title">{t('notify.prefsTitle')}</h2>
      <p>{t('notify.prefsIntro')}</p>
      <Show when={prefs.error}>
        <ErrorPanel message={errorMessage(prefs.error)} onRetry={() => void refetch()} />
      </Show>
      <Show when={prefs.loading && !prefs.latest}>
        <p role="status">{t('notify.prefsLoading')}</p>
      </Show>
      <Show when={prefs.latest}>
        {(p) => (
          <>
            <For each={p().items}>
              {(item) => (
                <fieldset class="choice-row" data-testid={`pref-${item.type}`}>
                  <legend>{typeLabel(item.type, item.label)}</legend>
                  <For each={MODES}>
                    {(m) => (
                      <label class="checkbox">
                        <input
                          type="radio"
                          name={`pref-${item.type}`}
                          value={m.value}
                          checked={item.mode === m.value}
                          data-testid={`pref-${item.type}-${m.value}`}
                          onChange={() => void choose(item.type, typeLabel(item.type, item.label), m.value)}
                        />{' '}
                        {t(m.label)}
                      </label>
                    )}
                  </For>
                </fieldset>
              )}
            </For>
            <p>{t('notify.alwaysSent')}</p>
            <ul data-testid="security-mail">
              <For each={p().security}>{(s) => <li>{SECURITY[s] ? t(SECURITY[s]) : s}</li>}</For>
            </ul>
          </>
        )}
      </Show>
      <Show when={error()}>
        {(m) => (
          <p class="form-error" role="alert">
            {m()}
          </p>
        )}
      </Show>
      <div role="status" aria-live="polite" data-testid="notification-prefs-saved">
        <Show when={saved()}>{(m) => <p class="notice">{m()}</p>}</Show>
      </div>
    </section>
  );
}
