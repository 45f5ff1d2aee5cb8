import { createSignal, Show } from 'solid-js';
import { t } from '../i18n.ts';
import { saveBase64File } from './download.ts';
import { errorMessage } from './errors.ts';

/**
 * A button that asks the server for a file (a PDF or CSV, audited there) and saves it: busy while it
 * runs, and the server's message under it when it fails.
 */
export function DownloadButton(props: {
  label: string;
  testId: string;
  fetch: () => Promise<{ fileName: string; contentType: string; base64: string }>;
  class?: string;
}) {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      saveBase64File(await props.fetch());
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="download-button">
      <button
        type="button"
        class={props.class ?? 'button'}
        data-testid={props.testId}
        disabled={busy()}
        aria-busy={busy()}
        onClick={run}
      >
        {busy() ? t('common.preparing') : props.label}
      </button>
      <Show when={error()}>
        <span class="error" role="alert" data-testid={`${props.testId}-error`}>
          {error()}
        </span>
      </Show>
    </span>
  );
}
