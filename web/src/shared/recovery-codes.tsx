import { useBeforeLeave } from '@solidjs/router';
import { createSignal, For, onCleanup, onMount } from 'solid-js';
import { auth, currentMe } from '../auth.ts';
import { t } from '../i18n.ts';

const LEAVE_WARNING = () => t('codes.leaveWarning');

/**
 * The 10 recovery codes, shown once: copy, download as .txt, and "I have saved them", which is the way
 * on. Leaving the page another way asks first (in the app and when closing the tab).
 */
export function RecoveryCodes(props: { codes: string[]; onSaved: () => void; headingLevel?: 2 | 3 }) {
  const [status, setStatus] = createSignal<string | null>(null);
  let heading: HTMLHeadingElement | undefined;
  let saved = false;

  const text = () => {
    const me = currentMe();
    return [
      t('codes.fileTitle'),
      ...(me ? [t('codes.fileAccount', { email: me.user.email, party: me.party.name })] : []),
      t('codes.fileCreated', { date: new Date().toISOString().slice(0, 10) }),
      '',
      t('codes.fileEach'),
      t('codes.fileKeep'),
      '',
      ...props.codes,
      '',
    ].join('\n');
  };

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.codes.join('\n'));
      setStatus(t('codes.copied'));
    } catch {
      setStatus(t('codes.copyFailed'));
    }
  };

  const download = () => {
    const url = URL.createObjectURL(new Blob([text()], { type: 'text/plain;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'gatehouse-recovery-codes.txt';
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setStatus(t('codes.downloaded'));
  };

  const warnOnUnload = (event: BeforeUnloadEvent) => {
    if (!saved) event.preventDefault();
  };
  onMount(() => {
    window.addEventListener('beforeunload', warnOnUnload);
    heading?.focus();
  });
  onCleanup(() => window.removeEventListener('beforeunload', warnOnUnload));
  useBeforeLeave((event) => {
    // Signing out (or a session that ended) leaves regardless; anything else asks.
    if (saved || auth().status !== 'signed-in' || event.defaultPrevented) return;
    event.preventDefault();
    if (window.confirm(LEAVE_WARNING())) {
      saved = true;
      event.retry(true);
    }
  });

  const Heading = (p: { children: string }) =>
    props.headingLevel === 2 ? (
      <h2 class="focus-target step-heading" tabindex="-1" ref={heading}>
        {p.children}
      </h2>
    ) : (
      <h3 class="focus-target step-heading" tabindex="-1" ref={heading}>
        {p.children}
      </h3>
    );

  return (
    <div class="recovery" data-testid="recovery-codes">
      <Heading>{t('codes.save')}</Heading>
      <p>
        {t('codes.intro')} <strong>{t('codes.once')}</strong> {t('codes.keep')}
      </p>
      <ol class="codes" aria-label={t('codes.label')}>
        <For each={props.codes}>
          {(code) => (
            <li>
              <code>{code}</code>
            </li>
          )}
        </For>
      </ol>
      <div class="button-row">
        <button type="button" class="button" onClick={() => void copy()}>
          {t('codes.copy')}
        </button>
        <button type="button" class="button" onClick={download} data-testid="download-codes">
          {t('codes.download')}
        </button>
      </div>
      <p class="status-line" role="status">
        {status()}
      </p>
      <button
        type="button"
        class="button button-primary"
        data-testid="codes-saved"
        onClick={() => {
          saved = true;
          props.onSaved();
        }}
      >
        {t('codes.saved')}
      </button>
    </div>
  );
}
