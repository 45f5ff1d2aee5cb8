import {
  LIMITS,
  PARTY_KINDS,
  type PartyKind,
  PERMISSIONS,
  PERMISSIONS_FOR_KIND,
  type Permission,
} from '@gatehouse/contract';
import { createMemo, createSignal, For, onMount, Show } from 'solid-js';
import { can, guard } from '../../auth.ts';
import { type AdminKey, has, t } from '../../i18n.ts';
import { ErrorPanel, usePageTitle } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { roleName } from '../../shared/format.ts';
import { FormError } from '../../shared/forms.tsx';
import { withReauth } from '../../shared/reauth.tsx';
import { type RoleSummary, trpc } from '../../trpc.ts';

/** Kind names and group headings: catalogue keys, worded where rendered (t() never runs at module level). */
const KIND_NAMES: Record<PartyKind, AdminKey> = {
  internal: 'admin.roles.kind.internal',
  customer: 'admin.roles.kind.customer',
  supplier: 'admin.roles.kind.supplier',
};
const GROUP_NAMES: Record<PartyKind, AdminKey> = {
  internal: 'admin.roles.group.internal',
  customer: 'admin.roles.group.customer',
  supplier: 'admin.roles.group.supplier',
};

/**
 * A permission's name and description in the reader's language (admin.permission.<permission>.name and
 * .description; the catalogue test requires both for every permission in the contract's catalogue).
 */
export const permissionName = (p: Permission): string => {
  const key = `admin.permission.${p}.name`;
  return has(key) ? t(key as AdminKey) : p;
};
const permissionDescription = (p: Permission): string => {
  const key = `admin.permission.${p}.description`;
  return has(key) ? t(key as AdminKey) : '';
};
const ROLE_KEY = /^[a-z][a-z0-9-]{1,49}$/;

type Dialog = { mode: 'create' } | { mode: 'edit'; role: RoleSummary } | { mode: 'delete'; role: RoleSummary } | null;

/** Whether a role of this kind can ever hold the permission (the catalogue's rule, PERMISSIONS_FOR_KIND). */
const allowedFor = (kind: PartyKind, permission: Permission) => PERMISSIONS_FOR_KIND[kind].includes(permission);

/**
 * Roles (needs `roles:read`): the permission matrix, one row per permission and one column per role,
 * grouped by party kind. System admins (`roles:manage`) create, edit and delete custom roles and choose
 * which customer and supplier roles their admins may delegate.
 */
export default function Roles() {
  usePageTitle(() => t('admin.roles.title'));
  const [roles, setRoles] = createSignal<RoleSummary[] | null>(null);
  const [loadError, setLoadError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  const [actionError, setActionError] = createSignal<string | null>(null);
  const [busyKey, setBusyKey] = createSignal<string | null>(null);
  const [dialog, setDialog] = createSignal<Dialog>(null);
  let newButton: HTMLButtonElement | undefined;
  let heading: HTMLHeadingElement | undefined;

  const load = async () => {
    setLoadError(null);
    try {
      setRoles(await guard(trpc.roles.list.query()));
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  };
  onMount(() => void load());

  const manage = () => can('roles:manage');
  const groups = createMemo(() =>
    PARTY_KINDS.map((kind) => ({ kind, roles: (roles() ?? []).filter((r) => r.partyKind === kind) })).filter(
      (g) => g.roles.length > 0,
    ),
  );
  const columns = createMemo(() => groups().flatMap((g) => g.roles));
  // A line before each group's first column, in every row.
  const groupStarts = createMemo(() => new Set(groups().map((g) => g.roles[0]?.key)));
  const cellClass = (role: RoleSummary, extra = '') =>
    `${groupStarts().has(role.key) ? 'group-start ' : ''}${extra}`.trim() || undefined;

  const toggleDelegable = async (role: RoleSummary) => {
    if (busyKey()) return;
    setBusyKey(role.key);
    setNotice(null);
    setActionError(null);
    try {
      await withReauth(() => trpc.roles.update.mutate({ key: role.key, delegable: !role.delegable }));
      setNotice(
        t(role.delegable ? 'admin.roles.delegableOff' : 'admin.roles.delegableOn', {
          name: roleName(role.key, role.name),
          kind: role.partyKind,
        }),
      );
      await load();
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setBusyKey(null);
    }
  };

  const closeDialog = (focus?: () => HTMLElement | null | undefined) => {
    setDialog(null);
    (focus?.() ?? heading)?.focus();
  };
  const saved = (message: string) => {
    setNotice(message);
    setActionError(null);
    void load();
  };

  return (
    <section aria-labelledby="roles-title">
      <div class="detail-header list-header">
        <h1 id="roles-title" class="focus-target" tabindex="-1" ref={heading}>
          {t('admin.roles.title')}
        </h1>
        <Show when={manage()}>
          <button
            type="button"
            class="button button-primary"
            data-testid="role-new"
            ref={newButton}
            onClick={() => {
              setNotice(null);
              setDialog({ mode: 'create' });
            }}
          >
            {t('admin.roles.new')}
          </button>
        </Show>
      </div>
      <p class="hint roles-intro" id="roles-legend">
        {t('admin.roles.intro')}
      </p>
      <div role="status" data-testid="roles-status">
        <Show when={notice()}>{(message) => <p class="notice">{message()}</p>}</Show>
      </div>
      <FormError id="roles-error" message={actionError()} />

      <Show when={loadError()}>{(message) => <ErrorPanel message={message()} onRetry={() => void load()} />}</Show>
      <Show when={!loadError() && roles() === null}>
        <p class="list-message" role="status">
          {t('admin.roles.loading')}
        </p>
      </Show>
      <Show when={!loadError() && roles() !== null}>
        {/* Scrolls on its own (both ways, header and first column stay); focusable so keyboards can scroll it. */}
        <section class="table-wrap matrix-wrap" aria-labelledby="roles-caption" tabindex="0">
          <table class="data-table matrix" data-testid="roles-matrix" aria-describedby="roles-legend">
            <caption id="roles-caption" class="visually-hidden">
              {t('admin.roles.caption')}
            </caption>
            <colgroup>
              <col />
            </colgroup>
            <For each={groups()}>{(g) => <colgroup span={g.roles.length} />}</For>
            <thead>
              <tr>
                <th scope="col" rowspan="2" class="matrix-corner">
                  {t('admin.roles.permission')}
                </th>
                <For each={groups()}>
                  {(g) => (
                    <th scope="colgroup" colspan={g.roles.length} class="matrix-group group-start">
                      {t(GROUP_NAMES[g.kind])}
                    </th>
                  )}
                </For>
              </tr>
              <tr>
                <For each={columns()}>
                  {(role) => (
                    <th scope="col" class={cellClass(role, 'matrix-role')} data-testid={`role-col-${role.key}`}>
                      <span class="matrix-role-name">{roleName(role.key, role.name)}</span>
                      <span class="mono matrix-role-key">{role.key}</span>
                    </th>
                  )}
                </For>
              </tr>
            </thead>
            <tbody class="matrix-meta">
              <tr>
                <th scope="row">{t('admin.roles.type')}</th>
                <For each={columns()}>
                  {(role) => (
                    <td class={cellClass(role)} data-testid={`role-type-${role.key}`}>
                      <span class={`badge ${role.builtIn ? 'badge-builtin' : 'badge-custom'}`}>
                        {t(role.builtIn ? 'admin.roles.builtIn' : 'admin.roles.custom')}
                      </span>
                    </td>
                  )}
                </For>
              </tr>
              <tr>
                <th scope="row">{t('admin.roles.delegable')}</th>
                <For each={columns()}>
                  {(role) => (
                    <td class={cellClass(role)} data-testid={`role-delegable-${role.key}`}>
                      <span class="matrix-yes-no">{t(role.delegable ? 'admin.roles.yes' : 'admin.roles.no')}</span>
                      <Show when={manage() && role.partyKind !== 'internal'}>
                        <button
                          type="button"
                          class="link-button matrix-action"
                          data-testid={`role-toggle-delegable-${role.key}`}
                          aria-label={t(role.delegable ? 'admin.roles.turnOffLabel' : 'admin.roles.turnOnLabel', {
                            name: roleName(role.key, role.name),
                          })}
                          aria-busy={busyKey() === role.key}
                          disabled={busyKey() !== null}
                          onClick={() => void toggleDelegable(role)}
                        >
                          {t(role.delegable ? 'admin.roles.turnOff' : 'admin.roles.turnOn')}
                        </button>
                      </Show>
                    </td>
                  )}
                </For>
              </tr>
              <tr>
                <th scope="row">{t('admin.roles.holders')}</th>
                <For each={columns()}>
                  {(role) => (
                    <td class={cellClass(role)} data-testid={`role-holders-${role.key}`}>
                      {role.holders}
                    </td>
                  )}
                </For>
              </tr>
              <Show when={manage()}>
                <tr>
                  <th scope="row">{t('admin.roles.actions')}</th>
                  <For each={columns()}>
                    {(role) => (
                      <td class={cellClass(role)}>
                        <Show when={!role.builtIn} fallback={<span class="muted">{t('admin.roles.fixed')}</span>}>
                          <span class="matrix-actions">
                            <button
                              type="button"
                              class="button button-small"
                              id={`role-edit-${role.key}`}
                              data-testid={`role-edit-${role.key}`}
                              aria-label={t('admin.roles.editLabel', { name: roleName(role.key, role.name) })}
                              onClick={() => {
                                setNotice(null);
                                setDialog({ mode: 'edit', role });
                              }}
                            >
                              {t('admin.roles.edit')}
                            </button>
                            <button
                              type="button"
                              class="button button-small"
                              id={`role-delete-${role.key}`}
                              data-testid={`role-delete-${role.key}`}
                              aria-label={t('admin.roles.deleteLabel', { name: roleName(role.key, role.name) })}
                              onClick={() => {
                                setNotice(null);
                                setDialog({ mode: 'delete', role });
                              }}
                            >
                              {t('admin.roles.delete')}
                            </button>
                          </span>
                        </Show>
                      </td>
                    )}
                  </For>
                </tr>
              </Show>
            </tbody>
            <tbody>
              <For each={PERMISSIONS}>
                {(permission) => {
                  const [resource, action] = permission.split(':');
                  return (
                    <tr data-testid="permission-row">
                      <th scope="row" class="matrix-permission" title={permissionDescription(permission)}>
                        <span class="matrix-permission-name">{permissionName(permission)}</span>{' '}
                        <span class="mono matrix-role-key">
                          {resource}:<wbr />
                          {action}
                        </span>
                      </th>
                      <For each={columns()}>
                        {(role) => (
                          <Show
                            when={role.permissions.includes(permission)}
                            fallback={
                              <td
                                class={cellClass(role, allowedFor(role.partyKind, permission) ? '' : 'matrix-na')}
                                data-testid={`cell-${role.key}-${permission}`}
                              >
                                <span class="visually-hidden">
                                  {allowedFor(role.partyKind, permission)
                                    ? t('admin.roles.no')
                                    : t('admin.roles.notFor', { kind: role.partyKind })}
                                </span>
                              </td>
                            }
                          >
                            <td
                              class={cellClass(role, 'matrix-held')}
                              data-testid={`cell-${role.key}-${permission}`}
                              data-held="true"
                            >
                              <span aria-hidden="true">✓</span>
                              <span class="visually-hidden">{t('admin.roles.yes')}</span>
                            </td>
                          </Show>
                        )}
                      </For>
                    </tr>
                  );
                }}
              </For>
            </tbody>
          </table>
        </section>
      </Show>

      <Show when={dialog()}>
        {(current) => {
          const d = current();
          if (d.mode === 'delete')
            return (
              <DeleteRoleDialog
                role={d.role}
                onClose={() => closeDialog(() => document.getElementById(`role-delete-${d.role.key}`))}
                onDeleted={() => saved(t('admin.roles.deleted', { name: roleName(d.role.key, d.role.name) }))}
              />
            );
          return (
            <RoleDialog
              role={d.mode === 'edit' ? d.role : undefined}
              onClose={() =>
                closeDialog(() => (d.mode === 'edit' ? document.getElementById(`role-edit-${d.role.key}`) : newButton))
              }
              onSaved={saved}
            />
          );
        }}
      </Show>
    </section>
  );
}

/** Opens a modal <dialog> once mounted (focus stays inside, Escape closes), then focuses `first`. */
function openModal(el: HTMLDialogElement, first: () => HTMLElement | undefined) {
  queueMicrotask(() => {
    if (!el.open) el.showModal();
    first()?.focus();
  });
}

/** "New role" (no `role`) or "Edit role": name, delegable and permissions; key and kind only when new. */
function RoleDialog(props: {
  role?: RoleSummary | undefined;
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  let dialog: HTMLDialogElement | undefined;
  let firstInput: HTMLInputElement | undefined;
  const editing = props.role;
  const [kind, setKind] = createSignal<PartyKind>(editing?.partyKind ?? 'customer');
  const [delegable, setDelegable] = createSignal(editing?.delegable ?? false);
  const [selected, setSelected] = createSignal<Permission[]>([...(editing?.permissions ?? [])]);
  const [error, setError] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  const allowed = () => PERMISSIONS_FOR_KIND[kind()];

  const close = () => {
    dialog?.close();
    props.onClose();
  };

  const changeKind = (next: PartyKind) => {
    setKind(next);
    // Permissions the new kind can never hold are dropped; internal roles are never delegable.
    setSelected((prev) => prev.filter((p) => allowedFor(next, p)));
    if (next === 'internal') setDelegable(false);
  };
  const toggle = (permission: Permission, on: boolean) =>
    setSelected((prev) =>
      on ? [...prev.filter((p) => p !== permission), permission] : prev.filter((p) => p !== permission),
    );

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (submitting()) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const key = String(data.get('key') ?? '').trim();
    const name = String(data.get('name') ?? '').trim();
    if (!editing && !ROLE_KEY.test(key)) {
      setError(t('admin.roles.keyInvalid'));
      return;
    }
    if (!name) {
      setError(t('admin.roles.enterName'));
      return;
    }
    const permissions = PERMISSIONS.filter((p) => selected().includes(p) && allowedFor(kind(), p));
    if (permissions.length === 0) {
      setError(t('admin.roles.choosePermission'));
      return;
    }
    const isDelegable = kind() !== 'internal' && delegable();
    setSubmitting(true);
    setError(null);
    try {
      if (editing) {
        await withReauth(() =>
          trpc.roles.update.mutate({
            key: editing.key,
            name,
            permissions,
            ...(editing.partyKind !== 'internal' ? { delegable: isDelegable } : {}),
          }),
        );
        props.onSaved(t('admin.roles.saved', { name }));
      } else {
        await withReauth(() =>
          trpc.roles.create.mutate({ key, name, partyKind: kind(), delegable: isDelegable, permissions }),
        );
        props.onSaved(t('admin.roles.created', { name }));
      }
      close();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <dialog
      class="dialog dialog-wide"
      ref={(el) => {
        dialog = el;
        openModal(el, () => firstInput);
      }}
      aria-labelledby="role-dialog-title"
      data-testid="role-dialog"
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      <form class="form" onSubmit={onSubmit} novalidate>
        <h2 id="role-dialog-title">
          {editing ? t('admin.roles.editTitle', { name: editing.name }) : t('admin.roles.new')}
        </h2>
        <Show when={editing}>
          {(role) => <p class="hint">{t('admin.roles.editHint', { kind: role().partyKind, key: role().key })}</p>}
        </Show>
        <FormError id="role-dialog-error" message={error()} />
        <Show when={!editing}>
          <div class="field">
            <label for="role-key">{t('admin.roles.key')}</label>
            <input
              id="role-key"
              name="key"
              type="text"
              autocomplete="off"
              spellcheck={false}
              maxlength={50}
              aria-describedby="role-key-hint"
              required
              ref={firstInput}
            />
            <p class="hint" id="role-key-hint">
              {t('admin.roles.keyHint', { example: 'customer-buyer' })}
            </p>
          </div>
        </Show>
        <div class="field">
          <label for="role-name">{t('admin.roles.name')}</label>
          <input
            id="role-name"
            name="name"
            type="text"
            autocomplete="off"
            maxlength={LIMITS.nameMax}
            value={editing?.name ?? ''}
            required
            ref={(el) => {
              if (editing) firstInput = el;
            }}
          />
        </div>
        <Show when={!editing}>
          <div class="field">
            <label for="role-kind">{t('admin.roles.kindLabel')}</label>
            <select
              id="role-kind"
              name="partyKind"
              value={kind()}
              onChange={(e) => changeKind(e.currentTarget.value as PartyKind)}
            >
              <For each={['customer', 'supplier', 'internal'] as const}>
                {(k) => <option value={k}>{t(KIND_NAMES[k])}</option>}
              </For>
            </select>
          </div>
        </Show>
        <div class="checkbox">
          <input
            type="checkbox"
            id="role-delegable"
            name="delegable"
            checked={delegable()}
            disabled={kind() === 'internal' || submitting()}
            aria-describedby="role-delegable-hint"
            onChange={(e) => setDelegable(e.currentTarget.checked)}
          />
          <label for="role-delegable">{t('admin.roles.delegable')}</label>
        </div>
        <p class="hint" id="role-delegable-hint">
          {kind() === 'internal' ? t('admin.roles.delegableNever') : t('admin.roles.delegableHint', { kind: kind() })}
        </p>
        <fieldset class="checkboxes checkbox-grid" data-testid="role-permissions">
          <legend>{t('admin.roles.permissions')}</legend>
          <For each={allowed()}>
            {(permission) => (
              <div class="checkbox">
                <input
                  type="checkbox"
                  id={`role-permission-${permission.replace(':', '-')}`}
                  name="permissions"
                  value={permission}
                  checked={selected().includes(permission)}
                  disabled={submitting()}
                  onChange={(e) => toggle(permission, e.currentTarget.checked)}
                />
                <label for={`role-permission-${permission.replace(':', '-')}`}>
                  {permissionName(permission)} <span class="mono matrix-role-key">{permission}</span>
                </label>
              </div>
            )}
          </For>
        </fieldset>
        <div class="button-row">
          <button type="submit" class="button button-primary" disabled={submitting()} aria-busy={submitting()}>
            {t(editing ? 'admin.roles.save' : 'admin.roles.create')}
          </button>
          <button type="button" class="button" onClick={close}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** "Delete role?": confirmed in a modal; the server refuses while anyone holds the role, said here. */
function DeleteRoleDialog(props: { role: RoleSummary; onClose: () => void; onDeleted: () => void }) {
  let dialog: HTMLDialogElement | undefined;
  let cancel: HTMLButtonElement | undefined;
  const [error, setError] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  const close = () => {
    dialog?.close();
    props.onClose();
  };
  const onConfirm = async () => {
    if (submitting()) return;
    setSubmitting(true);
    setError(null);
    try {
      await withReauth(() => trpc.roles.delete.mutate({ key: props.role.key }));
      props.onDeleted();
      close();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSubmitting(false);
    }
  };
  return (
    <dialog
      class="dialog"
      ref={(el) => {
        dialog = el;
        openModal(el, () => cancel);
      }}
      aria-labelledby="role-delete-title"
      aria-describedby="role-delete-text"
      data-testid="role-delete-dialog"
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      <div class="form">
        <h2 id="role-delete-title">
          {t('admin.roles.deleteTitle', { name: roleName(props.role.key, props.role.name) })}
        </h2>
        <p id="role-delete-text">{t('admin.roles.deleteText', { key: props.role.key })}</p>
        <FormError id="role-delete-error" message={error()} />
        <div class="button-row">
          <button
            type="button"
            class="button button-danger"
            data-testid="role-delete-confirm"
            disabled={submitting()}
            aria-busy={submitting()}
            onClick={() => void onConfirm()}
          >
            {t('admin.roles.deleteYes')}
          </button>
          <button type="button" class="button" onClick={close} ref={cancel}>
            {t('common.cancel')}
          </button>
        </div>
      </div>
    </dialog>
  );
}
