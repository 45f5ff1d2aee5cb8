import { LIMITS } from '@gatehouse/contract';
import { useSearchParams } from '@solidjs/router';
import { createMemo, createResource, createSignal, Show } from 'solid-js';
import { can, guard } from '../../auth.ts';
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
  usePageTitle(() => 'Accounts');
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
          ? `${a.name} is suspended: its users are signed out and cannot sign in.`
          : `${a.name} is active again.`,
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
          Accounts
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
            New account
          </button>
        </Show>
      </div>
      <p class="hint">
        Your customers and suppliers (and your own organisation, whose people you manage on Users). Open an account here
        and invite its administrator; they invite their own colleagues. Once your ERP feeds Gatehouse, accounts arrive
        from it with their ERP reference.
      </p>
      <Announcement testId="accounts-status" message={notice()} />
      <form class="filters" aria-label="Filter accounts" onSubmit={(e) => e.preventDefault()}>
        <FilterSelect
          id="accounts-kind"
          label="Kind"
          param="kind"
          options={KINDS}
          optionLabel={(k) => label(k)}
          allLabel="Customers and suppliers"
          value={kind()}
        />
        <FilterSelect
          id="accounts-status"
          label="Status"
          param="status"
          options={STATUSES}
          optionLabel={(s) => label(s)}
          allLabel="Any status"
          value={status()}
        />
        <SearchField id="accounts-search" placeholder="Name or ERP reference" />
      </form>
      <ExportButton list="parties" filters={filters} noun="organisations" />
      <ListTable
        list={list}
        noun="accounts"
        emptyText={
          search() || kind() || status()
            ? 'No account matches these filters.'
            : 'No customer or supplier accounts yet. Open one with “New account”.'
        }
        testId="accounts-table"
        caption="Customer and supplier accounts"
        head={
          <>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">ERP reference</th>
            <th scope="col">Status</th>
            <th scope="col">Users</th>
            <th scope="col">Opened</th>
            <Show when={manage()}>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </Show>
          </>
        }
      >
        {(a) => (
          <>
            <tr data-testid="account-row" data-id={a.id} data-status={a.status}>
              <td data-label="Name">
                {a.name}
                <Show when={a.isDemo}>
                  {' '}
                  <span class="badge">demo</span>
                </Show>
              </td>
              <td data-label="Kind">{label(a.kind)}</td>
              <td data-label="ERP reference">
                <Show when={a.erpRef} fallback={<NoValue />}>
                  {(ref) => <span class="mono">{ref()}</span>}
                </Show>
              </td>
              <td data-label="Status">
                <StatusBadge status={a.status} />
              </td>
              <td data-label="Users">{a.users}</td>
              <td data-label="Opened">{formatDateTime(a.createdAt)}</td>
              <Show when={manage()}>
                <td data-label="Actions" class="actions">
                  {/* The internal organisation's own people are managed on Users. */}
                  <Show when={a.kind !== 'internal' && a.status === 'active'}>
                    <button
                      type="button"
                      class="button"
                      data-testid="account-invite"
                      aria-label={`Invite a user to ${a.name}`}
                      onClick={() => {
                        setNotice(null);
                        setInviteTo(a);
                      }}
                    >
                      Invite user
                    </button>{' '}
                  </Show>
                  <Show when={a.kind !== 'internal'}>
                    <button
                      type="button"
                      class="button"
                      data-testid="account-status-toggle"
                      aria-label={`${a.status === 'active' ? 'Suspend' : 'Reactivate'} ${a.name}`}
                      aria-disabled={busy() === a.id}
                      onClick={() => void setStatus(a, a.status === 'active' ? 'suspended' : 'active')}
                    >
                      {a.status === 'active' ? 'Suspend' : 'Reactivate'}
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
          title="New account"
          testId="account-create-dialog"
          heading="New account"
          initialFocus={() => nameInput}
          onClose={() => {
            setCreating(false);
            newButton?.focus();
          }}
          submitLabel="Open account"
          submitTestId="account-create-submit"
          check={() => (newName().trim() ? null : 'Enter the organisation’s name.')}
          send={async () => {
            const name = newName().trim();
            await withReauth(() =>
              trpc.parties.create.mutate({
                kind: newKind(),
                name,
                ...(newRef().trim() ? { erpRef: newRef().trim() } : {}),
              }),
            );
            setNotice(`${name} is open. Invite its administrator with “Invite user”.`);
            list.reload();
          }}
        >
          {() => (
            <>
              <fieldset class="field">
                <legend>Kind</legend>
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
                <label for="account-name">Name</label>
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
                <label for="account-ref">ERP reference (optional)</label>
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
                  The customer or vendor id in your ERP, e.g. C100. The ERP integration finds the account by it.
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
              setNotice(`Invitation sent to ${email}; the link is valid until ${formatDateTime(expiresAt)}.`);
              list.reload();
            }}
          />
        )}
      </Show>
    </section>
  );
}
