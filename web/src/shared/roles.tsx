import { createResource, For, type Resource, Show } from 'solid-js';
import { can, guard } from '../auth.ts';
import { t } from '../i18n.ts';
import { type GrantableRole, trpc } from '../trpc.ts';
import { roleName as wordRole } from './format.ts';

/**
 * The roles the signed-in user may grant in their own party (`users.grantableRoles`), for the role
 * filter, the invitation and the role editor. Loaded once per page.
 */
export function createGrantableRoles(): Resource<GrantableRole[]> {
  // Only those who manage users may ask (the server refuses everyone else); readers see role keys.
  const [roles] = createResource(
    () => can('users:manage') || undefined,
    () => guard(trpc.users.grantableRoles.query({})),
  );
  return roles;
}

/** A role's name for the reader (format.ts roleName) from the loaded roles, else from its key alone. */
export function roleName(roles: readonly GrantableRole[] | undefined, key: string): string {
  return wordRole(key, roles?.find((r) => r.key === key)?.name);
}

/**
 * One checkbox per grantable role, in a fieldset with its legend. `selected` and `onChange` hold role keys.
 * Roles the user holds that the editor may not grant are listed below, unchangeable.
 */
export function RoleCheckboxes(props: {
  idPrefix: string;
  legend: string;
  roles: readonly GrantableRole[];
  selected: readonly string[];
  onChange: (keys: string[]) => void;
  disabled?: boolean;
  describedBy?: string;
  /** The legend only for screen readers (a heading above already says it). */
  hideLegend?: boolean;
}) {
  const toggle = (key: string, on: boolean) => {
    const rest = props.selected.filter((k) => k !== key);
    props.onChange(on ? [...rest, key] : rest);
  };
  const others = () => props.selected.filter((k) => !props.roles.some((r) => r.key === k));
  return (
    <fieldset class="checkboxes" aria-describedby={props.describedBy} data-testid={`${props.idPrefix}-roles`}>
      <legend class={props.hideLegend ? 'visually-hidden' : undefined}>{props.legend}</legend>
      <For each={props.roles} fallback={<p class="hint">{t('roles.noneGrantable')}</p>}>
        {(role) => (
          <div class="checkbox">
            <input
              type="checkbox"
              id={`${props.idPrefix}-role-${role.key}`}
              name="roles"
              value={role.key}
              checked={props.selected.includes(role.key)}
              disabled={props.disabled}
              onChange={(e) => toggle(role.key, e.currentTarget.checked)}
            />
            <label for={`${props.idPrefix}-role-${role.key}`}>{wordRole(role.key, role.name)}</label>
          </div>
        )}
      </For>
      <Show when={others().length > 0}>
        <p class="hint">
          {t('roles.alsoHolds', {
            roles: others()
              .map((k) => wordRole(k))
              .join(', '),
          })}
        </p>
      </Show>
    </fieldset>
  );
}
