import { TRPCClientError } from '@trpc/client';
import { createSignal, For, Show } from 'solid-js';
import { apiUrl } from '../../api-origin.ts';
import { guard } from '../../auth.ts';
import { has, type MessageKey, t } from '../../i18n.ts';
import { errorMessage } from '../../shared/errors.ts';
import { formatFileSize } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';

/**
 * Pieces shared by the supplier-side pages (purchase orders, compliance documents, company details, the
 * operators' work queue): status words, sizes, IBANs, the modal dialog, field errors, file links.
 */

/** 'under-review' -> 'Under review'. */
export function words(value: string): string {
  const key = `status.${value}`;
  if (has(key)) return t(key as MessageKey);
  const spaced = value.replace(/-/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** A status with its word always visible; colour (badge-<status> in styles.css) is only a second cue. */
export function Badge(props: { status: string; testId?: string }) {
  return (
    <span class={`badge badge-${props.status}`} data-testid={props.testId}>
      {words(props.status)}
    </span>
  );
}

/** 4000 -> '3.9 KB'. */
export function formatBytes(bytes: number): string {
  return formatFileSize(bytes);
}

/** 'DE89370400440532013000' -> 'DE89 3704 0044 0532 0130 00' (how people read and compare IBANs). */
export function formatIban(iban: string): string {
  return iban
    .replace(/\s+/g, '')
    .toUpperCase()
    .replace(/(.{4})(?=.)/g, '$1 ');
}

/** Whole days between an instant and now, in words: 'Today', '1 day', '12 days'. */
export function formatAge(iso: string, now = Date.now()): string {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return '';
  const days = Math.floor((now - then) / 86_400_000);
  if (days < 1) return 'Today';
  return days === 1 ? '1 day' : `${days} days`;
}

/** Tomorrow's calendar date in the user's time zone, 'YYYY-MM-DD'. */
export function tomorrowIso(now = new Date()): string {
  const next = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${next.getFullYear()}-${pad(next.getMonth() + 1)}-${pad(next.getDate())}`;
}

export interface FieldIssue {
  /** 'bankDetails.iban', or '' when the message is about the whole request. */
  path: string;
  message: string;
}

/**
 * The fields a refused call names: validation answers and the server's own field checks (invalidField)
 * both carry `data.issues` ({ path, message }), so the message can sit beside its field.
 */
export function fieldIssues(err: unknown): FieldIssue[] {
  if (!(err instanceof TRPCClientError)) return [];
  const data: unknown = err.data;
  if (typeof data !== 'object' || data === null || !('issues' in data) || !Array.isArray(data.issues)) return [];
  return data.issues.flatMap((i: unknown) =>
    typeof i === 'object' && i !== null && 'message' in i && typeof i.message === 'string'
      ? [{ path: 'path' in i && typeof i.path === 'string' ? i.path : '', message: i.message }]
      : [],
  );
}

/**
 * Opens a version's file: asks for a short-lived download link (documents.downloadLink), then sends the
 * browser there. The answer is an attachment, so the page stays where it is and the browser saves it.
 */
export async function downloadVersion(versionId: string): Promise<void> {
  const { url } = await guard(trpc.documents.downloadLink.query({ versionId }));
  window.location.assign(await apiUrl(url));
}

/**
 * Files attached to something (a bank letter on a change request), each a button that asks for a
 * short-lived download link and sends the browser there; a failure is said under the list.
 */
export function AttachedFiles(props: {
  files: readonly { id: string; fileName: string; sizeBytes: number }[];
  link: (id: string) => Promise<{ url: string }>;
  testId: string;
}) {
  const [error, setError] = createSignal<string | null>(null);
  const open = async (id: string) => {
    setError(null);
    try {
      const { url } = await guard(props.link(id));
      window.location.assign(await apiUrl(url));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Show when={props.files.length > 0}>
      <ul class="attached-files" data-testid={props.testId}>
        <For each={props.files}>
          {(f) => (
            <li>
              <button
                type="button"
                class="link-button"
                data-testid={`${props.testId}-file`}
                onClick={() => void open(f.id)}
              >
                {f.fileName}
              </button>
              <span class="muted"> · {formatBytes(f.sizeBytes)}</span>
            </li>
          )}
        </For>
      </ul>
      <Show when={error()}>
        {(m) => (
          <p class="form-error" role="alert">
            {m()}
          </p>
        )}
      </Show>
    </Show>
  );
}
