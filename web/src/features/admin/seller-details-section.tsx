import { SELLER_LOGO_MAX_BYTES } from '@gatehouse/contract';
import { createResource, createSignal, Show } from 'solid-js';
import { guard } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { ErrorPanel } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/format.ts';
import { withReauth } from '../../shared/reauth.tsx';
import { trpc } from '../../trpc.ts';

type Logo = { type: 'image/png' | 'image/jpeg'; base64: string } | null;

/**
 * The seller's identity printed on every invoice, credit note, order confirmation, delivery note, purchase
 * order and statement: a section of the system settings (the policies page). Saving asks for the password
 * again (bank details on every customer's invoice are worth protecting).
 */
export function SellerDetailsSection() {
  const [seller, { refetch }] = createResource(() => guard(trpc.seller.get.query()));
  const [logo, setLogo] = createSignal<Logo | undefined>(undefined);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);

  const pickLogo = async (e: Event) => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    setError(null);
    if (!file) return;
    if (file.type !== 'image/png' && file.type !== 'image/jpeg') return setError(t('admin.seller.logoType'));
    if (file.size > SELLER_LOGO_MAX_BYTES)
      return setError(t('admin.seller.logoSize', { kb: SELLER_LOGO_MAX_BYTES / 1024 }));
    const bytes = new Uint8Array(await file.arrayBuffer());
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    setLogo({ type: file.type, base64: btoa(bin) });
  };

  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const text = (k: string) => String(f.get(k) ?? '');
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await withReauth(() =>
        trpc.seller.update.mutate({
          legalName: text('legalName'),
          address: text('address'),
          taxId: text('taxId'),
          bankDetails: text('bankDetails'),
          paymentInstructions: text('paymentInstructions'),
          paymentTerms: text('paymentTerms'),
          ...(logo() !== undefined ? { logo: logo() } : {}),
        }),
      );
      setLogo(undefined);
      setNotice(t('admin.seller.saved'));
      void refetch();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel seller-details" aria-labelledby="seller-title" data-testid="seller-details">
      <h2 id="seller-title">{t('admin.seller.title')}</h2>
      <p class="hint">{t('admin.seller.intro')}</p>
      <Show when={seller.state === 'errored'}>
        <ErrorPanel message={errorMessage(seller.error)} onRetry={() => void refetch()} />
      </Show>
      <Show when={seller.state === 'ready' || seller.state === 'refreshing' ? seller() : undefined}>
        {(s) => (
          <form class="stack" onSubmit={save}>
            <label>
              {t('admin.seller.legalName')}
              <input name="legalName" value={s().legalName} required maxLength={200} data-testid="seller-name" />
            </label>
            <label>
              {t('admin.seller.address')}
              <textarea name="address" rows={3} maxLength={1000} data-testid="seller-address">
                {s().address}
              </textarea>
            </label>
            <label>
              {t('admin.seller.taxId')}
              <input name="taxId" value={s().taxId} maxLength={50} data-testid="seller-tax-id" />
            </label>
            <label>
              {t('admin.seller.bank')}
              <textarea name="bankDetails" rows={3} maxLength={1000} data-testid="seller-bank">
                {s().bankDetails}
              </textarea>
            </label>
            <label>
              {t('admin.seller.instructions')}
              <textarea name="paymentInstructions" rows={2} maxLength={1000} data-testid="seller-instructions">
                {s().paymentInstructions}
              </textarea>
            </label>
            <label>
              {t('admin.seller.terms')}
              <input name="paymentTerms" value={s().paymentTerms} maxLength={200} data-testid="seller-terms" />
            </label>
            <label>
              {t('admin.seller.logo', { kb: SELLER_LOGO_MAX_BYTES / 1024 })}
              <input type="file" accept="image/png,image/jpeg" onChange={pickLogo} data-testid="seller-logo" />
            </label>
            <Show when={s().logo && logo() === undefined}>
              <button type="button" class="button" onClick={() => setLogo(null)} data-testid="seller-logo-remove">
                {t('admin.seller.logoRemove')}
              </button>
            </Show>
            <Show when={s().updatedAt}>
              {(at) => <p class="hint">{t('admin.seller.changed', { at: formatDateTime(at()) })}</p>}
            </Show>
            <div class="button-row">
              <button type="submit" class="button button-primary" disabled={busy()} data-testid="seller-save">
                {busy() ? t('admin.seller.saving') : t('admin.seller.save')}
              </button>
            </div>
            <div role="status">
              <Show when={notice()}>{(n) => <p class="notice">{n()}</p>}</Show>
            </div>
            <Show when={error()}>
              {(m) => (
                <p class="error" role="alert" data-testid="seller-error">
                  {m()}
                </p>
              )}
            </Show>
          </form>
        )}
      </Show>
    </section>
  );
}
