import { createSignal, onCleanup, Show } from 'solid-js';
import { apiUrl } from '../../api-origin.ts';
import { refreshMe } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { ModalDialog } from '../../shared/dialog.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { FormError } from '../../shared/forms.tsx';
import type { trpc } from '../../trpc.ts';
import { tomorrowIso } from './supplier-shared.tsx';

export type Requirements = Awaited<ReturnType<typeof trpc.documents.requirements.query>>;

export type DocumentType = Requirements['items'][number]['type'];

export type Version = NonNullable<Requirements['items'][number]['current']>;

/** What the file input offers; the server decides by the file's content, not its name. */
export const ACCEPT = '.pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg';

/** `?partyId=` kept on links between the document pages (staff looking at one supplier). */
export const withParty = (href: string, partyId: string | undefined) =>
  partyId ? `${href}${href.includes('?') ? '&' : '?'}partyId=${partyId}` : href;

export type UploadResult = { id: string; versionNo: number; status: 'submitted' };

/**
 * POST /files/documents as multipart form data (the part named "file"), with the session cookie, reporting
 * progress. Rejects with an Error whose message is the server's own ({ error: { message } }) or ours.
 */
export function sendFile(
  url: string,
  file: File,
  onProgress: (fraction: number) => void,
  signal: { abort?: () => void },
): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    signal.abort = () => xhr.abort();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON (a proxy's page): fall back to a message by status below
      }
      if (xhr.status === 201 && typeof body === 'object' && body !== null && 'id' in body) {
        resolve(body as UploadResult);
        return;
      }
      if (xhr.status === 401) void refreshMe(); // the session ended: the shell sends the user to sign in
      reject(new Error(serverMessage(body) ?? fallbackMessage(xhr.status)));
    };
    xhr.onerror = () => reject(new Error(t('upload.unreachable')));
    xhr.onabort = () => reject(new Error(t('upload.cancelled')));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

export function serverMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const error: unknown = body.error;
  if (typeof error !== 'object' || error === null || !('message' in error)) return undefined;
  return typeof error.message === 'string' && error.message ? error.message : undefined;
}

export function fallbackMessage(status: number): string {
  if (status === 413) return t('upload.tooLarge');
  if (status === 415) return t('upload.wrongType');
  if (status === 401) return t('upload.sessionEnded');
  if (status === 403) return t('upload.forbidden');
  return t('upload.failed', { status });
}

/**
 * "Upload <document type>": a file (PDF, PNG or JPEG) and, when the type expires, its expiry date. The
 * file goes up with XMLHttpRequest so a progress bar can follow it; Cancel stops a running upload.
 */
export function UploadDialog(props: {
  type: DocumentType;
  onClose: () => void;
  onUploaded: (versionNo: number) => void;
}) {
  let fileInput: HTMLInputElement | undefined;
  let expiryInput: HTMLInputElement | undefined;
  const [error, setError] = createSignal<string | null>(null);
  const [invalid, setInvalid] = createSignal<'file' | 'expiry' | null>(null);
  const [progress, setProgress] = createSignal<number | null>(null);
  const signal: { abort?: () => void } = {};
  const minExpiry = tomorrowIso();
  onCleanup(() => signal.abort?.());

  const fail = (message: string, field: 'file' | 'expiry' | null) => {
    setError(message);
    setInvalid(field);
    (field === 'expiry' ? expiryInput : fileInput)?.focus();
  };

  const submit = async (event: SubmitEvent, close: () => void) => {
    event.preventDefault();
    if (progress() !== null) return;
    const file = fileInput?.files?.[0];
    if (!file) return fail(t('upload.chooseFile'), 'file');
    if (file.size === 0) return fail(t('upload.empty'), 'file');
    const expiresOn = expiryInput?.value ?? '';
    if (props.type.requiresExpiry) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(expiresOn))
        return fail(t('upload.giveExpiry', { name: props.type.name }), 'expiry');
      if (expiresOn < minExpiry) return fail(t('upload.expired'), 'expiry');
    }
    const query = new URLSearchParams({ typeId: props.type.id });
    if (props.type.requiresExpiry && expiresOn) query.set('expiresOn', expiresOn);
    setError(null);
    setInvalid(null);
    setProgress(0);
    try {
      const result = await sendFile(await apiUrl(`/files/documents?${query}`), file, setProgress, signal);
      props.onUploaded(result.versionNo);
      setProgress(null);
      close();
    } catch (err) {
      setProgress(null);
      fail(err instanceof Error ? err.message : errorMessage(err), /expir/i.test(String(err)) ? 'expiry' : 'file');
    }
  };

  const percent = () => Math.round((progress() ?? 0) * 100);

  return (
    <ModalDialog
      id="upload"
      title={t('docs.upload')}
      testId="upload-dialog"
      initialFocus={() => fileInput}
      onClose={props.onClose}
    >
      {(close) => (
        <form class="form" onSubmit={(e) => void submit(e, close)} novalidate>
          <h2 id="upload-title">{t('upload.heading', { name: props.type.name })}</h2>
          <p class="hint">{props.type.description}</p>
          <FormError id="upload-error" message={error()} />
          <div class="field">
            <label for="upload-file">{t('upload.file')}</label>
            <input
              id="upload-file"
              name="file"
              type="file"
              accept={ACCEPT}
              required
              disabled={progress() !== null}
              aria-invalid={invalid() === 'file' ? 'true' : undefined}
              aria-describedby={invalid() === 'file' ? 'upload-error upload-file-hint' : 'upload-file-hint'}
              ref={fileInput}
            />
            <p class="hint" id="upload-file-hint">
              {t('upload.fileHint')}
            </p>
          </div>
          <Show when={props.type.requiresExpiry}>
            <div class="field field-narrow">
              <label for="upload-expiry">{t('upload.expiresOn')}</label>
              <input
                id="upload-expiry"
                name="expiresOn"
                type="date"
                min={minExpiry}
                required
                disabled={progress() !== null}
                aria-invalid={invalid() === 'expiry' ? 'true' : undefined}
                aria-describedby={invalid() === 'expiry' ? 'upload-error upload-expiry-hint' : 'upload-expiry-hint'}
                ref={expiryInput}
              />
              <p class="hint" id="upload-expiry-hint">
                {t('upload.expiryHint')}
              </p>
            </div>
          </Show>
          <Show when={progress() !== null}>
            <div class="upload-progress" data-testid="upload-progress">
              <label for="upload-progress-bar">{t('upload.uploading')}</label>
              <progress id="upload-progress-bar" max="100" value={percent()}>
                {percent()}%
              </progress>
              <span aria-hidden="true">{percent()}%</span>
            </div>
          </Show>
          <div class="button-row">
            <button
              type="submit"
              class="button button-primary"
              data-testid="upload-submit"
              disabled={progress() !== null}
              aria-busy={progress() !== null}
            >
              {t('docs.upload')}
            </button>
            <button
              type="button"
              class="button"
              onClick={() => {
                if (progress() !== null) signal.abort?.();
                else close();
              }}
            >
              {progress() !== null ? t('upload.cancelUpload') : t('common.cancel')}
            </button>
          </div>
        </form>
      )}
    </ModalDialog>
  );
}
