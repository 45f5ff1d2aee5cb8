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
import { ErrorPanel, usePageTitle } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { FormError } from '../../shared/forms.tsx';
import { withReauth } from '../../shared/reauth.tsx';
import { type RoleSummary, trpc } from '../../trpc.ts';

const KIND_NAMES: Record<PartyKind, string> = { internal: 'Internal', customer: 'Customer', supplier: 'Supplier' };
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
  usePageTitle(() => 'Roles');
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
        role.delegable
          ? `${role.name} is no longer delegable: admins of ${role.partyKind} organisations cannot grant it.`
          : `${role.name} is delegable: admins of ${role.partyKind} organisations may grant it.`,
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
          Roles
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
            New role
          </button>
        </Show>
      </div>
      <p class="hint roles-intro" id="roles-legend">
        Each column is a role, grouped by the kind of organisation it belongs to; a check mark shows a permission the
        role holds, a shaded cell one its kind of organisation can never hold. Delegable roles may be granted by the
        organisation's own admins.
      </p>
      <div role="status" data-testid="roles-status">
        <Show when={notice()}>{(message) => <p class="notice">{message()}</p>}</Show>
      </div>
      <FormError id="roles-error" message={actionError()} />

      <Show when={loadError()}>{(message) => <ErrorPanel message={message()} onRetry={() => void load()} />}</Show>
      <Show when={!loadError() && roles() === null}>
        <p class="list-message" role="status">
          Loading roles…
        </p>
      </Show>
      <Show when={!loadError() && roles() !== null}>
        {/* Scrolls on its own (both ways, header and first column stay); focusable so keyboards can scroll it. */}
        <section class="table-wrap matrix-wrap" aria-labelledby="roles-caption" tabindex="0">
          <table class="data-table matrix" data-testid="roles-matrix" aria-describedby="roles-legend">
            <caption id="roles-caption" class="visually-hidden">
              Permissions of each role
            </caption>
            <colgroup>
              <col />
            </colgroup>
            <For each={groups()}>{(g) => <colgroup span={g.roles.length} />}</For>
            <thead>
              <tr>
                <th scope="col" rowspan="2" class="matrix-corner">
                  Permission
                </th>
                <For each={groups()}>
                  {(g) => (
                    <th scope="colgroup" colspan={g.roles.length} class="matrix-group group-start">
                      {KIND_NAMES[g.kind]} roles
                    </th>
                  )}
                </For>
              </tr>
              <tr>
                <For each={columns()}>
                  {(role) => (
                    <th scope="col" class={cellClass(role, 'matrix-role')} data-testid={`role-col-${role.key}`}>
                      <span class="matrix-role-name">{role.name}</span>
                      <span class="mono matrix-role-key">{role.key}</span>
                    </th>
                  )}
                </For>
              </tr>
            </thead>
            <tbody class="matrix-meta">
              <tr>
                <th scope="row">Type</th>
                <For each={columns()}>
                  {(role) => (
                    <td class={cellClass(role)} data-testid={`role-type-${role.key}`}>
                      <span class={`badge ${role.builtIn ? 'badge-builtin' : 'badge-custom'}`}>
                        {role.builtIn ? 'Built-in' : 'Custom'}
                      </span>
                    </td>
                  )}
                </For>
              </tr>
              <tr>
                <th scope="row">Delegable</th>
                <For each={columns()}>
                  {(role) => (
                    <td class={cellClass(role)} data-testid={`role-delegable-${role.key}`}>
                      <span class="matrix-yes-no">{role.delegable ? 'Yes' : 'No'}</span>
                      <Show when={manage() && role.partyKind !== 'internal'}>
                        <button
                          type="button"
                          class="link-button matrix-action"
                          data-testid={`role-toggle-delegable-${role.key}`}
                          aria-label={`${role.delegable ? 'Turn off' : 'Turn on'} delegation of ${role.name}`}
                          aria-busy={busyKey() === role.key}
                          disabled={busyKey() !== null}
                          onClick={() => void toggleDelegable(role)}
                        >
                          {role.delegable ? 'Turn off' : 'Turn on'}
                        </button>
                      </Show>
                    </td>
                  )}
                </For>
              </tr>
              <tr>
                <th scope="row">Holders</th>
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
                  <th scope="row">Actions</th>
                  <For each={columns()}>
                    {(role) => (
                      <td class={cellClass(role)}>
                        <Show when={!role.builtIn} fallback={<span class="muted">Fixed</span>}>
                          <span class="matrix-actions">
                            <button
                              type="button"
                              class="button button-small"
                              id={`role-edit-${role.key}`}
                              data-testid={`role-edit-${role.key}`}
                              aria-label={`Edit ${role.name}`}
                              onClick={() => {
                                setNotice(null);
                                setDialog({ mode: 'edit', role });
                              }}
                            >
                              Edit
                            </button>
                            <button
                              type="button"
                              class="button button-small"
                              id={`role-delete-${role.key}`}
                              data-testid={`role-delete-${role.key}`}
                              aria-label={`Delete ${role.name}`}
                              onClick={() => {
                                setNotice(null);
                                setDialog({ mode: 'delete', role });
                              }}
                            >
                              Delete
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
                      <th scope="row" class="mono matrix-permission">
                        {resource}:<wbr />
                        {action}
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
                                  {allowedFor(role.partyKind, permission) ? 'No' : `Not for ${role.partyKind} roles`}
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
                              <span class="visually-hidden">Yes</span>
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
                onDeleted={() => saved(`Role ${d.role.name} deleted.`)}
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
      setError('Key: use 2 to 50 lower-case letters, digits and dashes, starting with a letter.');
      return;
    }
    if (!name) {
      setError('Enter the name.');
      return;
    }
    const permissions = PERMISSIONS.filter((p) => selected().includes(p) && allowedFor(kind(), p));
    if (permissions.length === 0) {
      setError('Choose at least one permission.');
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
        props.onSaved(`Role ${name} saved.`);
      } else {
        await withReauth(() =>
          trpc.roles.create.mutate({ key, name, partyKind: kind(), delegable: isDelegable, permissions }),
        );
        props.onSaved(`Role ${name} created.`);
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
        <h2 id="role-dialog-title">{editing ? `Edit ${editing.name}` : 'New role'}</h2>
        <Show when={editing}>
          {(role) => (
            <p class="hint">
              {KIND_NAMES[role().partyKind]} role <span class="mono">{role().key}</span>. Changing its permissions signs
              out everyone who holds it.
            </p>
          )}
        </Show>
        <FormError id="role-dialog-error" message={error()} />
        <Show when={!editing}>
          <div class="field">
            <label for="role-key">Key</label>
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
              Lower-case letters, digits and dashes, e.g. <span class="mono">customer-buyer</span>. Cannot be changed
              later.
            </p>
          </div>
        </Show>
        <div class="field">
          <label for="role-name">Name</label>
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
            <label for="role-kind">Kind of organisation</label>
            <select
              id="role-kind"
              name="partyKind"
              value={kind()}
              onChange={(e) => changeKind(e.currentTarget.value as PartyKind)}
            >
              <For each={['customer', 'supplier', 'internal'] as const}>
                {(k) => <option value={k}>{KIND_NAMES[k]}</option>}
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
          <label for="role-delegable">Delegable</label>
        </div>
        <p class="hint" id="role-delegable-hint">
          {kind() === 'internal'
            ? 'Internal roles are never delegated.'
            : `The admins of ${kind()} organisations may grant it to their own users.`}
        </p>
        <fieldset class="checkboxes checkbox-grid" data-testid="role-permissions">
          <legend>Permissions</legend>
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
                <label for={`role-permission-${permission.replace(':', '-')}`} class="mono">
                  {permission}
                </label>
              </div>
            )}
          </For>
        </fieldset>
        <div class="button-row">
          <button type="submit" class="button button-primary" disabled={submitting()} aria-busy={submitting()}>
            {editing ? 'Save role' : 'Create role'}
          </button>
          <button type="button" class="button" onClick={close}>
            Cancel
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
        <h2 id="role-delete-title">Delete {props.role.name}?</h2>
        <p id="role-delete-text">
          The custom role <span class="mono">{props.role.key}</span> is removed for good. Only a role nobody holds can
          be deleted.
        </p>
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
            Yes, delete
          </button>
          <button type="button" class="button" onClick={close} ref={cancel}>
            Cancel
          </button>
        </div>
      </div>
    </dialog>
  );
}
