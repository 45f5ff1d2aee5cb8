import { createResource, createSignal, For, Show } from 'solid-js';
import { guard } from '../../auth.ts';
import { ErrorPanel } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { trpc } from '../../trpc.ts';

type Mode = 'immediate' | 'digest' | 'off';
const MODES: { value: Mode; label: string }[] = [
  { value: 'immediate', label: 'Mail at once' },
  { value: 'digest', label: 'Daily digest' },
  { value: 'off', label: 'No mail' },
];

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
      setSaved(`${label}: ${MODES.find((m) => m.value === mode)?.label.toLowerCase()}.`);
    } catch (err) {
      if (before) mutate(before);
      setError(errorMessage(err));
    }
  };

  return (
    <section class="panel panel-wide" aria-labelledby="notification-prefs-title" data-testid="notification-preferences">
      <h2 id="notification-prefs-title">Notification mail</h2>
      <p>Everything shows in Notifications. Choose what also comes by mail.</p>
      <Show when={prefs.error}>
        <ErrorPanel message={errorMessage(prefs.error)} onRetry={() => void refetch()} />
      </Show>
      <Show when={prefs.loading && !prefs.latest}>
        <p role="status">Loading your choices…</p>
      </Show>
      <Show when={prefs.latest}>
        {(p) => (
          <>
            <For each={p().items}>
              {(item) => (
                <fieldset class="choice-row" data-testid={`pref-${item.type}`}>
                  <legend>{item.label}</legend>
                  <For each={MODES}>
                    {(m) => (
                      <label class="checkbox">
                        <input
                          type="radio"
                          name={`pref-${item.type}`}
                          value={m.value}
                          checked={item.mode === m.value}
                          data-testid={`pref-${item.type}-${m.value}`}
                          onChange={() => void choose(item.type, item.label, m.value)}
                        />{' '}
                        {m.label}
                      </label>
                    )}
                  </For>
                </fieldset>
              )}
            </For>
            <p>Always sent, cannot be turned off (security mail about your account):</p>
            <ul data-testid="security-mail">
              <For each={p().security}>{(s) => <li>{s}</li>}</For>
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
        <Show when={saved()}>{(m) => <p class="notice">Saved. {m()}</p>}</Show>
      </div>
    </section>
  );
}
