import { LIMITS } from '@gatehouse/contract';
import { useSearchParams } from '@solidjs/router';
import { createMemo, createResource, createSignal, Show } from 'solid-js';
import { can, guard } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { Announcement, ExportButton, FormDialog } from '../../shared/components.tsx';
import {
  createPagedList,
  FilterSelect,
  ListTable,
  NoValue,
  SearchField,
  StatusBadge,
  usePageTitle,
  useRememberedList,
} from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDateTime, label } from '../../shared/format.ts';
import { withReauth } from '../../shared/reauth.tsx';
import { trpc } from '../../trpc.ts';
import { InviteDialog } from '../users/user-pieces.tsx';

type Account = Awaited<ReturnType<typeof trpc.parties.list.query>>['items'][number];
const KINDS = ['customer', 'supplier'] as const;
const STATUSES = ['active', 'suspended'] as const;
const PAGE_SIZE = 50;

/**
 * Accounts (internal staff with `parties:read`): the customer and supplier organisations. With
 * `parties:manage` staff open a new account, invite its first users (its admin, who then invites the
 * rest), and suspend or reactivate it. Until an ERP feeds accounts in, this is how an installation gets
 * its first customers and suppliers.
 */
export default function Accounts() {
  usePageTitle(() => t('admin.accounts.title'));
  const [params] = useSearchParams();
  const kind = () => KINDS.find((k) => k === params.kind);
  const status = () => STATUSES.find((s) => s === params.status);
  const search = () => (typeof params.q === 'string' ? params.q.trim().slice(0, LIMITS.searchMax) : '');
  const filters = createMemo(() => ({ kind: kind(), status: status(), search: search() }), undefined, {
    equals: (a, b) => a.kind === b.kind && a.status === b.status && a.search === b.search,
  });
  useRememberedList('/accounts');
  const list = createPagedList(filters, (f, cursor) =>
    trpc.parties.list.query({
      limit: PAGE_SIZE,
      cursor,
      kind: f.kind,
      status: f.status,
      search: f.search || undefined,
    }),
  );
  const manage = () => can('parties:manage');
  const [notice, setNotice] = createSignal<string | null>(null);
  const [creating, setCreating] = createSignal(false);
  const [inviteTo, setInviteTo] = createSignal<Account | null>(null);
  const [busy, setBusy] = createSignal<string | null>(null);
  let newButton: HTMLButtonElement | undefined;
  let heading: HTMLHeadingElement | undefined;

  // The roles staff may grant in the chosen account (the server's grant rule decides).
  const [roles] = createResource(
    () => inviteTo()?.id,
    (partyId) => guard(trpc.users.grantableRoles.query({ partyId })),
  );

  const setStatus = async (a: Account, next: 'active' | 'suspended') => {
    if (busy()) return;
    setBusy(a.id);
    setNotice(null);
    try {
      await withReauth(() => trpc.parties.update.mutate({ partyId: a.id, status: next }));
      setNotice(
        next === 'suspended'
          ? t('admin.accounts.suspended', { name: a.name })
          : t('admin.accounts.reactivated', { name: a.name }),
      );
      list.reload();
    } catch (err) {
      setNotice(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  // New account form.
  const [newKind, setNewKind] = createSignal<'customer' | 'supplier'>('customer');
  const [newName, setNewName] = createSignal('');
  const [newRef, setNewRef] = createSignal('');
  let nameInput: HTMLInputElement | undefined;

  return (
    <section aria-labelledby="accounts-title">
      <div class="detail-header list-header">
        <h1 id="accounts-title" class="focus-target" tabindex="-1" ref={heading}>
          {t('admin.accounts.title')}
        </h1>
        <Show when={manage()}>
          <button
            type="button"
            class="button button-primary"
            data-testid="account-new"
            ref={newButton}
            onClick={() => {
              setNotice(null);
              setNewName('');
              setNewRef('');
              setCreating(true);
            }}
          >
            {t('admin.accounts.new')}
          </button>
        </Show>
      </div>
      <p class="hint">{t('admin.accounts.intro')}</p>
      <Announcement testId="accounts-status" message={notice()} />
      <form class="filters" aria-label={t('admin.accounts.filter')} onSubmit={(e) => e.preventDefault()}>
        <FilterSelect
          id="accounts-kind"
          label={t('admin.accounts.kind')}
          param="kind"
          options={KINDS}
          optionLabel={(k) => label(k)}
          allLabel={t('admin.accounts.allKinds')}
          value={kind()}
        />
        <FilterSelect
          id="accounts-status"
          label={t('list.status')}
          param="status"
          options={STATUSES}
          optionLabel={(s) => label(s)}
          allLabel={t('list.allStatuses')}
          value={status()}
        />
        <SearchField id="accounts-search" placeholder={t('admin.accounts.search')} />
      </form>
      <ExportButton list="parties" filters={filters} noun={t('admin.accounts.organisations')} />
      <ListTable
        list={list}
        noun={t('admin.accounts.noun')}
        emptyText={search() || kind() || status() ? t('admin.accounts.noneMatch') : t('admin.accounts.none')}
        testId="accounts-table"
        caption={t('admin.accounts.caption')}
        head={
          <>
            <th scope="col">{t('admin.users.name')}</th>
            <th scope="col">{t('admin.accounts.kind')}</th>
            <th scope="col">{t('admin.accounts.erpRef')}</th>
            <th scope="col">{t('list.status')}</th>
            <th scope="col">{t('admin.users.title')}</th>
            <th scope="col">{t('admin.accounts.opened')}</th>
            <Show when={manage()}>
              <th scope="col">
                <span class="visually-hidden">{t('admin.accounts.actions')}</span>
              </th>
            </Show>
          </>
        }
      >
        {(a) => (
          <>
            <tr data-testid="account-row" data-id={a.id} data-status={a.status}>
              <td data-label={t('admin.users.name')}>
                {a.name}
                <Show when={a.isDemo}>
                  {' '}
                  <span class="badge">demo</span>
                </Show>
              </td>
              <td data-label={t('admin.accounts.kind')}>{label(a.kind)}</td>
              <td data-label={t('admin.accounts.erpRef')}>
                <Show when={a.erpRef} fallback={<NoValue />}>
                  {(ref) => <span class="mono">{ref()}</span>}
                </Show>
              </td>
              <td data-label={t('list.status')}>
                <StatusBadge status={a.status} />
              </td>
              <td data-label={t('admin.users.title')}>{a.users}</td>
              <td data-label={t('admin.accounts.opened')}>{formatDateTime(a.createdAt)}</td>
              <Show when={manage()}>
                <td data-label={t('admin.accounts.actions')} class="actions">
                  {/* The internal organisation's own people are managed on Users. */}
                  <Show when={a.kind !== 'internal' && a.status === 'active'}>
                    <button
                      type="button"
                      class="button"
                      data-testid="account-invite"
                      aria-label={t('admin.invite.titleTo', { party: a.name })}
                      onClick={() => {
                        setNotice(null);
                        setInviteTo(a);
                      }}
                    >
                      {t('admin.users.invite')}
                    </button>{' '}
                  </Show>
                  <Show when={a.kind !== 'internal'}>
                    <button
                      type="button"
                      class="button"
                      data-testid="account-status-toggle"
                      aria-label={t(
                        a.status === 'active' ? 'admin.accounts.suspendName' : 'admin.accounts.reactivateName',
                        {
                          name: a.name,
                        },
                      )}
                      aria-disabled={busy() === a.id}
                      onClick={() => void setStatus(a, a.status === 'active' ? 'suspended' : 'active')}
                    >
                      {t(a.status === 'active' ? 'admin.accounts.suspend' : 'admin.user.reactivate')}
                    </button>
                  </Show>
                </td>
              </Show>
            </tr>
          </>
        )}
      </ListTable>

      <Show when={creating()}>
        <FormDialog
          id="account-create"
          title={t('admin.accounts.new')}
          testId="account-create-dialog"
          heading={t('admin.accounts.new')}
          initialFocus={() => nameInput}
          onClose={() => {
            setCreating(false);
            newButton?.focus();
          }}
          submitLabel={t('admin.accounts.open')}
          submitTestId="account-create-submit"
          check={() => (newName().trim() ? null : t('admin.accounts.enterName'))}
          send={async () => {
            const name = newName().trim();
            await withReauth(() =>
              trpc.parties.create.mutate({
                kind: newKind(),
                name,
                ...(newRef().trim() ? { erpRef: newRef().trim() } : {}),
              }),
            );
            setNotice(t('admin.accounts.openedNotice', { name }));
            list.reload();
          }}
        >
          {() => (
            <>
              <fieldset class="field">
                <legend>{t('admin.accounts.kind')}</legend>
                {KINDS.map((k) => (
                  <label class="checkbox">
                    <input
                      type="radio"
                      name="account-kind"
                      value={k}
                      checked={newKind() === k}
                      data-testid={`account-kind-${k}`}
                      onChange={() => setNewKind(k)}
                    />{' '}
                    {label(k)}
                  </label>
                ))}
              </fieldset>
              <div class="field">
                <label for="account-name">{t('admin.users.name')}</label>
                <input
                  id="account-name"
                  class="input"
                  ref={nameInput}
                  maxLength={LIMITS.nameMax}
                  value={newName()}
                  onInput={(e) => setNewName(e.currentTarget.value)}
                  data-testid="account-name"
                />
              </div>
              <div class="field">
                <label for="account-ref">{t('admin.accounts.erpRefOptional')}</label>
                <input
                  id="account-ref"
                  class="input mono"
                  maxLength={100}
                  value={newRef()}
                  onInput={(e) => setNewRef(e.currentTarget.value)}
                  data-testid="account-ref"
                  aria-describedby="account-ref-hint"
                />
                <p class="hint" id="account-ref-hint">
                  {t('admin.accounts.erpRefHint')}
                </p>
              </div>
            </>
          )}
        </FormDialog>
      </Show>

      <Show when={inviteTo()}>
        {(a) => (
          <InviteDialog
            roles={roles.state === 'ready' ? roles() : []}
            rolesError={roles.state === 'errored' ? errorMessage(roles.error) : null}
            party={{ id: a().id, name: a().name }}
            onClose={() => {
              setInviteTo(null);
              heading?.focus();
            }}
            onInvited={(email, expiresAt) => {
              setNotice(t('admin.users.invited', { email, until: formatDateTime(expiresAt) }));
              list.reload();
            }}
          />
        )}
      </Show>
    </section>
  );
}
