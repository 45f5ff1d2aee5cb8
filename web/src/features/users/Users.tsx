import { LIMITS, USER_STATUSES } from '@gatehouse/contract';
import { A, useSearchParams } from '@solidjs/router';
import { createMemo, createSignal, Show } from 'solid-js';
import { can } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { ExportButton } from '../../shared/components.tsx';
import {
  createPagedList,
  FilterSelect,
  ListTable,
  SearchField,
  StatusBadge,
  StatusFilter,
  usePageTitle,
  useRememberedList,
} from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/format.ts';
import { createGrantableRoles, roleName } from '../../shared/roles.tsx';
import { trpc } from '../../trpc.ts';
import { InviteDialog, LastSignIn, TwoFactorBadge } from './user-pieces.tsx';

const PAGE_SIZE = 50;

export default function Users() {
  usePageTitle(() => t('admin.users.title'));
  const [params, setParams] = useSearchParams();
  // Filters live in the URL, so Back from a user and a reload keep them.
  const status = () => USER_STATUSES.find((s) => s === params.status);
  const search = () => (typeof params.q === 'string' ? params.q.trim().slice(0, LIMITS.searchMax) : '');
  const role = () => (typeof params.role === 'string' && params.role ? params.role.slice(0, 100) : undefined);
  const lockedOnly = () => params.locked === '1';
  const filters = createMemo(
    () => ({ status: status(), search: search(), role: role(), locked: lockedOnly() }),
    undefined,
    {
      equals: (a, b) => a.status === b.status && a.search === b.search && a.role === b.role && a.locked === b.locked,
    },
  );
  useRememberedList('/users');

  const list = createPagedList(filters, (f, cursor) =>
    trpc.users.list.query({
      limit: PAGE_SIZE,
      cursor,
      status: f.status,
      search: f.search || undefined,
      role: f.role,
      locked: f.locked || undefined,
    }),
  );
  const roles = createGrantableRoles();
  const roleOptions = () => (roles.state === 'ready' ? roles() : []);
  // Staff see users of several parties: then say whose each one is.
  const manyParties = () => new Set(list.items().map((u) => u.partyId)).size > 1;

  const [invited, setInvited] = createSignal<string | null>(null);
  const [inviting, setInviting] = createSignal(false);
  let inviteButton: HTMLButtonElement | undefined;

  return (
    <section aria-labelledby="users-title">
      <div class="detail-header list-header">
        <h1 id="users-title">{t('admin.users.title')}</h1>
        <Show when={can('users:manage')}>
          <button
            type="button"
            class="button button-primary"
            data-testid="invite-open"
            ref={inviteButton}
            onClick={() => {
              setInvited(null);
              setInviting(true);
            }}
          >
            {t('admin.users.invite')}
          </button>
        </Show>
      </div>
      <div role="status" data-testid="users-status">
        <Show when={invited()}>{(message) => <p class="notice">{message()}</p>}</Show>
      </div>
      <form class="filters" aria-label={t('admin.users.filter')} onSubmit={(e) => e.preventDefault()}>
        <StatusFilter id="users-status-filter" statuses={USER_STATUSES} value={status()} />
        <Show when={roleOptions().length > 0}>
          <FilterSelect
            id="users-role"
            label={t('admin.users.role')}
            param="role"
            options={roleOptions().map((r) => r.key)}
            optionLabel={(key) => roleName(roleOptions(), key)}
            allLabel={t('admin.users.allRoles')}
            value={role()}
          />
        </Show>
        <div class="checkbox filter-checkbox">
          <input
            type="checkbox"
            id="users-locked"
            name="locked"
            data-testid="users-locked-only"
            checked={lockedOnly()}
            onChange={(e) => setParams({ locked: e.currentTarget.checked ? '1' : undefined }, { replace: true })}
          />
          <label for="users-locked">{t('admin.users.lockedOnly')}</label>
        </div>
        <SearchField id="users-search" placeholder={t('admin.users.search')} />
      </form>
      <ExportButton list="users" filters={filters} noun={t('admin.users.noun')} />

      <ListTable
        list={list}
        noun={t('admin.users.noun')}
        emptyText={t(lockedOnly() ? 'admin.users.noneLocked' : 'admin.users.none')}
        testId="users-table"
        caption={t('admin.users.title')}
        head={
          <>
            <th scope="col">{t('admin.users.name')}</th>
            <th scope="col">{t('admin.users.email')}</th>
            <Show when={manyParties()}>
              <th scope="col">{t('admin.users.organisation')}</th>
            </Show>
            <th scope="col">{t('list.status')}</th>
            <th scope="col">{t('admin.users.roles')}</th>
            <th scope="col">{t('admin.users.twoFactor')}</th>
            <th scope="col">{t('admin.users.lastSignIn')}</th>
          </>
        }
      >
        {(user) => (
          <tr data-testid="user-row">
            <th scope="row" class="wrap">
              <A href={`/users/${user.id}`}>{user.displayName}</A>
            </th>
            <td class="wrap" data-label={t('admin.users.email')}>
              {user.email}
            </td>
            <Show when={manyParties()}>
              <td class="wrap" data-label={t('admin.users.organisation')}>
                {user.partyName}
              </td>
            </Show>
            <td data-label={t('list.status')}>
              <StatusBadge status={user.status} />
            </td>
            <td class="wrap" data-label={t('admin.users.roles')}>
              {user.roles.map((key) => roleName(roleOptions(), key)).join(', ') || t('admin.users.noRoles')}
            </td>
            <td data-label={t('admin.users.twoFactor')}>
              <TwoFactorBadge on={user.totp} />
            </td>
            <td data-label={t('admin.users.lastSignIn')}>
              <LastSignIn at={user.lastSignInAt} />
            </td>
          </tr>
        )}
      </ListTable>

      <Show when={inviting()}>
        <InviteDialog
          roles={roleOptions()}
          rolesError={roles.state === 'errored' ? errorMessage(roles.error) : null}
          onClose={() => {
            setInviting(false);
            inviteButton?.focus();
          }}
          onInvited={(email, expiresAt) => {
            setInvited(t('admin.users.invited', { email, until: formatDateTime(expiresAt) }));
            list.reload();
          }}
        />
      </Show>
    </section>
  );
}
