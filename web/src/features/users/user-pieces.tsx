import { LIMITS } from '@gatehouse/contract';
import { createSignal, Show } from 'solid-js';
import { t } from '../../i18n.ts';
import { errorMessage } from '../../shared/errors.ts';
import { formatDateTime, formatTimeAgo } from '../../shared/format.ts';
import { FormError } from '../../shared/forms.tsx';
import { withReauth } from '../../shared/reauth.tsx';
import { RoleCheckboxes } from '../../shared/roles.tsx';
import { type GrantableRole, trpc } from '../../trpc.ts';

export function TwoFactorBadge(props: { on: boolean }) {
  return (
    <span class={`badge ${props.on ? 'badge-on' : 'badge-off'}`}>
      {t(props.on ? 'admin.users.twoFactorOn' : 'admin.users.twoFactorOff')}
    </span>
  );
}

export function LastSignIn(props: { at: string | null }) {
  return (
    <Show when={props.at} fallback={<span class="muted">{t('admin.users.never')}</span>}>
      {(at) => (
        <time datetime={at()} title={formatDateTime(at())}>
          {formatTimeAgo(at())}
        </time>
      )}
    </Show>
  );
}

/**
 * "Invite user": the browser's own modal <dialog> (focus stays inside, Escape closes), opened on mount.
 * Closing returns focus to the button that opened it (the page does that in onClose).
 */
export function InviteDialog(props: {
  roles: readonly GrantableRole[];
  rolesError: string | null;
  /** Staff inviting into another organisation (the Accounts screen): its id and name. */
  party?: { id: string; name: string };
  onClose: () => void;
  onInvited: (email: string, expiresAt: string) => void;
}) {
  let dialog: HTMLDialogElement | undefined;
  let emailInput: HTMLInputElement | undefined;
  const [selected, setSelected] = createSignal<string[]>([]);
  const [error, setError] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);

  const open = (el: HTMLDialogElement) => {
    dialog = el;
    queueMicrotask(() => {
      if (!el.open) el.showModal();
      emailInput?.focus();
    });
  };
  const close = () => {
    dialog?.close();
    props.onClose();
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (submitting()) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const email = String(data.get('email') ?? '').trim();
    const displayName = String(data.get('displayName') ?? '').trim();
    if (!email || !displayName) {
      setError(t(!email ? 'admin.invite.enterEmail' : 'admin.invite.enterName'));
      return;
    }
    if (selected().length === 0) {
      setError(t('admin.invite.chooseRole'));
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const { expiresAt } = await withReauth(() =>
        trpc.users.invite.mutate({
          email,
          displayName,
          roles: selected(),
          ...(props.party ? { partyId: props.party.id } : {}),
        }),
      );
      props.onInvited(email, expiresAt);
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
      ref={open}
      aria-labelledby="invite-title"
      data-testid="invite-dialog"
      onCancel={(event) => {
        event.preventDefault(); // Escape: close through the same path as the Cancel button
        close();
      }}
    >
      <form class="form" onSubmit={onSubmit} novalidate>
        <h2 id="invite-title">
          {props.party ? t('admin.invite.titleTo', { party: props.party.name }) : t('admin.users.invite')}
        </h2>
        <p class="hint">
          {props.party ? t('admin.invite.hintTo', { party: props.party.name }) : t('admin.invite.hint')}
        </p>
        <FormError id="invite-error" message={error() ?? props.rolesError} />
        <div class="field">
          <label for="invite-email">{t('admin.users.email')}</label>
          <input
            id="invite-email"
            name="email"
            type="email"
            autocomplete="off"
            maxlength={LIMITS.emailMax}
            required
            ref={emailInput}
          />
        </div>
        <div class="field">
          <label for="invite-name">{t('admin.users.name')}</label>
          <input
            id="invite-name"
            name="displayName"
            type="text"
            autocomplete="off"
            maxlength={LIMITS.nameMax}
            required
          />
        </div>
        <RoleCheckboxes
          idPrefix="invite"
          legend={t('admin.users.roles')}
          roles={props.roles}
          selected={selected()}
          onChange={setSelected}
          disabled={submitting()}
        />
        <div class="button-row">
          <button type="submit" class="button button-primary" disabled={submitting()} aria-busy={submitting()}>
            {t('admin.invite.send')}
          </button>
          <button type="button" class="button" onClick={close}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
