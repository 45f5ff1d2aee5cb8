import { createEffect, createSignal, For, on, Show } from 'solid-js';
import { can } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { Announcement } from '../../shared/components.tsx';
import { DetailPage, StatusBadge } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { describeDevice, formatDateTime } from '../../shared/format.ts';
import { withReauth } from '../../shared/reauth.tsx';
import { createGrantableRoles, RoleCheckboxes, roleName } from '../../shared/roles.tsx';
import { trpc, type UserDetail as User } from '../../trpc.ts';
import { ActionButton, ConfirmBox } from './user-actions.tsx';
import { LastSignIn, TwoFactorBadge } from './user-pieces.tsx';

type Confirming = 'deactivate' | 'reset-two-factor' | 'revoke-invitation' | null;

export default function UserDetail() {
  return (
    <DetailPage
      id="user"
      noun={t('admin.user.noun')}
      back={{ href: '/users', label: t('admin.user.back') }}
      fetch={(userId) => trpc.users.get.query({ userId })}
      pageTitle={(u) => u.displayName}
    >
      {(u, refetch) => <UserView user={u()} refresh={refetch} />}
    </DetailPage>
  );
}

function UserView(props: { user: User; refresh: () => void }) {
  const manage = () => can('users:manage');
  const roles = createGrantableRoles();
  const roleOptions = () => (roles.state === 'ready' ? roles() : []);
  const [selected, setSelected] = createSignal<string[]>([...props.user.roles]);
  // When the server's answer changes (after a save or an action), the boxes show what is stored.
  createEffect(
    on(
      () => props.user.roles.join(','),
      () => setSelected([...props.user.roles]),
      { defer: true },
    ),
  );
  const rolesChanged = () => [...selected()].sort().join(',') !== [...props.user.roles].sort().join(',');

  const [busy, setBusy] = createSignal<string | null>(null);
  const [announcement, setAnnouncement] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [confirming, setConfirming] = createSignal<Confirming>(null);
  let heading: HTMLHeadingElement | undefined;

  const run = async <T,>(name: string, call: () => Promise<T>, done: (result: T) => string) => {
    if (busy()) return;
    setBusy(name);
    setAnnouncement(null);
    setError(null);
    try {
      const result = await withReauth(call);
      setAnnouncement(done(result));
      setConfirming(null);
      props.refresh();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };
  const userId = () => props.user.id;
  const name = () => props.user.displayName;

  const saveRoles = (event: SubmitEvent) => {
    event.preventDefault();
    void run(
      'roles',
      () => trpc.users.setRoles.mutate({ userId: userId(), roles: selected() }),
      () => t('admin.user.rolesSaved', { name: name() }),
    );
  };
  const deactivate = () =>
    run(
      'deactivate',
      () => trpc.users.deactivate.mutate({ userId: userId() }),
      () => t('admin.user.deactivated', { name: name() }),
    ).then(() => heading?.focus());
  const reactivate = () =>
    run(
      'reactivate',
      () => trpc.users.reactivate.mutate({ userId: userId() }),
      () => t('admin.user.reactivated', { name: name() }),
    );
  const signOutEverywhere = () =>
    run(
      'sign-out',
      () => trpc.users.signOutEverywhere.mutate({ userId: userId() }),
      ({ ended }) => t('admin.user.sessionsEnded', { count: ended }),
    );
  const unlock = () =>
    run(
      'unlock',
      () => trpc.users.unlock.mutate({ userId: userId() }),
      () => t('admin.user.unlocked', { name: name() }),
    );
  const resetTwoFactor = () =>
    run(
      'reset-two-factor',
      () => trpc.users.resetTwoFactor.mutate({ userId: userId() }),
      () => t('admin.user.twoFactorReset', { name: name() }),
    ).then(() => heading?.focus());

  // A fresh invitation link handed to the admin once ("copy link"): only its hash is stored, so it can
  // never be shown again, and minting it stops every earlier link.
  const [copiedLink, setCopiedLink] = createSignal<string | null>(null);
  const resendInvitation = () =>
    run(
      'resend-invitation',
      () => trpc.invitations.resend.mutate({ userId: userId(), delivery: 'mail' }),
      () => t('admin.user.invitationMailed', { email: props.user.email }),
    ).then(() => setCopiedLink(null));
  const newInvitationLink = () =>
    run(
      'copy-invitation',
      () => trpc.invitations.resend.mutate({ userId: userId(), delivery: 'link' }),
      (r) => {
        setCopiedLink(r.link);
        if (r.link) void navigator.clipboard?.writeText(r.link).catch(() => {});
        return t('admin.user.invitationLinkMade', { name: name() });
      },
    ).then(() =>
      queueMicrotask(() => (document.getElementById('invitation-link') as HTMLInputElement | null)?.select()),
    );
  const revokeInvitation = () =>
    run(
      'revoke-invitation',
      () => trpc.invitations.revoke.mutate({ userId: userId() }),
      () => t('admin.user.invitationRevoked', { name: name() }),
    ).then(() => {
      setCopiedLink(null);
      heading?.focus();
    });
  const invitationExpired = () =>
    props.user.invitationExpiresAt !== null && Date.parse(props.user.invitationExpiresAt) <= Date.now();

  const ask = (what: Confirming) => {
    setAnnouncement(null);
    setError(null);
    setConfirming(what);
    queueMicrotask(() => document.getElementById('confirm-yes')?.focus());
  };

  return (
    <>
      <div class="detail-header">
        <h1 id="user-title" data-testid="user-title" class="focus-target" tabindex="-1" ref={heading}>
          {props.user.displayName}
        </h1>
        <StatusBadge status={props.user.status} />
      </div>
      <Announcement testId="user-status" message={announcement()} />
      <Show when={error()}>
        {(message) => (
          <p class="form-error" role="alert" data-testid="user-error">
            {message()}
          </p>
        )}
      </Show>
      <dl class="summary" data-testid="user-summary">
        <div>
          <dt>{t('admin.users.email')}</dt>
          <dd>{props.user.email}</dd>
        </div>
        <div>
          <dt>{t('admin.users.organisation')}</dt>
          <dd>{props.user.partyName}</dd>
        </div>
        <div>
          <dt>{t('admin.users.twoFactor')}</dt>
          <dd>
            <TwoFactorBadge on={props.user.totp} />
          </dd>
        </div>
        <div>
          <dt>{t('admin.users.lastSignIn')}</dt>
          <dd>
            <LastSignIn at={props.user.lastSignInAt} />
          </dd>
        </div>
        <div>
          <dt>{t('admin.user.created')}</dt>
          <dd>
            <time datetime={props.user.createdAt}>{formatDateTime(props.user.createdAt)}</time>
          </dd>
        </div>
        <Show when={props.user.invitationExpiresAt}>
          {(at) => (
            <div>
              <dt>{t(invitationExpired() ? 'admin.user.invitationExpired' : 'admin.user.invitationValidUntil')}</dt>
              <dd data-testid="invitation-expiry">
                <time datetime={at()}>{formatDateTime(at())}</time>
              </dd>
            </div>
          )}
        </Show>
      </dl>

      <Show when={manage() && props.user.status === 'invited'}>
        <section class="panel panel-wide" aria-labelledby="user-invitation-title" data-testid="invitation-panel">
          <h2 id="user-invitation-title">{t('admin.user.invitation')}</h2>
          <p class="list-message">
            {props.user.invitationExpiresAt === null
              ? t('admin.user.invitationNone', { name: name() })
              : invitationExpired()
                ? t('admin.user.invitationLapsed', { name: name() })
                : t('admin.user.invitationPending', { name: name() })}
          </p>
          <Show
            when={confirming() === 'revoke-invitation'}
            fallback={
              <div class="panel-actions">
                <ActionButton
                  testId="resend-invitation"
                  busy={busy()}
                  name="resend-invitation"
                  onClick={() => void resendInvitation()}
                >
                  {t('admin.user.resendInvitation')}
                </ActionButton>
                <ActionButton
                  testId="copy-invitation"
                  busy={busy()}
                  name="copy-invitation"
                  onClick={() => void newInvitationLink()}
                >
                  {t('admin.user.copyInvitation')}
                </ActionButton>
                <ActionButton testId="revoke-invitation" busy={busy()} onClick={() => ask('revoke-invitation')}>
                  {t('admin.user.revokeInvitation')}
                </ActionButton>
              </div>
            }
          >
            <ConfirmBox
              textId="confirm-revoke-text"
              text={t('admin.user.confirmRevoke', { name: props.user.displayName })}
              yes={t('admin.user.yesRevoke')}
              cancel={t('common.cancel')}
              busy={busy() !== null}
              onYes={() => void revokeInvitation()}
              onCancel={() => setConfirming(null)}
            />
          </Show>
          <Show when={copiedLink()}>
            {(link) => (
              <div class="form invitation-link">
                <label for="invitation-link">{t('admin.user.invitationLink')}</label>
                <input
                  id="invitation-link"
                  data-testid="invitation-link"
                  class="mono"
                  type="text"
                  readonly
                  value={link()}
                  onFocus={(e) => e.currentTarget.select()}
                />
                <div class="button-row">
                  <button
                    type="button"
                    class="button"
                    data-testid="copy-invitation-link"
                    onClick={() => {
                      void navigator.clipboard
                        ?.writeText(link())
                        .then(() => setAnnouncement(t('admin.user.linkCopied')))
                        .catch(() => setAnnouncement(t('admin.user.copyRefused')));
                    }}
                  >
                    {t('admin.user.copyLink')}
                  </button>
                </div>
              </div>
            )}
          </Show>
        </section>
      </Show>

      <div class="panel-grid">
        <section class="panel" aria-labelledby="user-roles-title">
          <h2 id="user-roles-title">{t('admin.users.roles')}</h2>
          <Show
            when={manage()}
            fallback={
              <p data-testid="user-roles">
                {props.user.roles.map((key) => roleName(roleOptions(), key)).join(', ') || t('admin.user.noRoles')}
              </p>
            }
          >
            <form class="form" onSubmit={saveRoles} data-testid="roles-form">
              <RoleCheckboxes
                idPrefix="user"
                legend={t('admin.user.rolesOf', { name: props.user.displayName })}
                hideLegend
                roles={roleOptions()}
                selected={selected()}
                onChange={setSelected}
                disabled={busy() !== null}
              />
              <div class="button-row">
                <button
                  type="submit"
                  class="button button-primary"
                  disabled={busy() !== null || !rolesChanged()}
                  aria-busy={busy() === 'roles'}
                >
                  {t('admin.user.saveRoles')}
                </button>
              </div>
            </form>
          </Show>
        </section>

        <Show when={manage()}>
          <section class="panel" aria-labelledby="user-actions-title">
            <h2 id="user-actions-title">{t('admin.user.account')}</h2>
            <Show
              when={confirming() !== 'revoke-invitation' && confirming()}
              fallback={
                <div class="panel-actions">
                  <Show
                    when={props.user.status === 'deactivated'}
                    fallback={
                      <ActionButton testId="deactivate" busy={busy()} onClick={() => ask('deactivate')}>
                        {t('admin.user.deactivate')}
                      </ActionButton>
                    }
                  >
                    <ActionButton testId="reactivate" busy={busy()} name="reactivate" onClick={() => void reactivate()}>
                      {t('admin.user.reactivate')}
                    </ActionButton>
                  </Show>
                  <ActionButton
                    testId="sign-out-everywhere"
                    busy={busy()}
                    name="sign-out"
                    onClick={() => void signOutEverywhere()}
                  >
                    {t('admin.user.signOutEverywhere')}
                  </ActionButton>
                  <ActionButton testId="unlock" busy={busy()} name="unlock" onClick={() => void unlock()}>
                    {t('admin.user.unlock')}
                  </ActionButton>
                  <Show when={props.user.totp}>
                    <ActionButton testId="reset-two-factor" busy={busy()} onClick={() => ask('reset-two-factor')}>
                      {t('admin.user.resetTwoFactor')}
                    </ActionButton>
                  </Show>
                </div>
              }
            >
              {(what) => (
                <ConfirmBox
                  textId="confirm-text"
                  text={
                    what() === 'deactivate'
                      ? t('admin.user.confirmDeactivate', { name: props.user.displayName })
                      : t('admin.user.confirmResetTwoFactor', { name: props.user.displayName })
                  }
                  yes={t(what() === 'deactivate' ? 'admin.user.yesDeactivate' : 'admin.user.yesResetTwoFactor')}
                  cancel={t('common.cancel')}
                  busy={busy() !== null}
                  onYes={() => void (what() === 'deactivate' ? deactivate() : resetTwoFactor())}
                  onCancel={() => {
                    setConfirming(null);
                    heading?.focus();
                  }}
                />
              )}
            </Show>
          </section>
        </Show>
      </div>

      <section class="panel panel-wide" aria-labelledby="user-sessions-title">
        <h2 id="user-sessions-title">{t('admin.user.sessions')}</h2>
        <Show
          when={props.user.sessions.length > 0}
          fallback={
            <p class="list-message" data-testid="user-sessions-empty">
              {t('admin.user.noSessions')}
            </p>
          }
        >
          <div class="table-wrap stack">
            <table class="data-table" data-testid="user-sessions">
              <caption class="visually-hidden">{t('admin.user.sessionsOf', { name: props.user.displayName })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.user.device')}</th>
                  <th scope="col">{t('admin.user.ip')}</th>
                  <th scope="col">{t('admin.user.signedIn')}</th>
                  <th scope="col">{t('admin.user.lastActive')}</th>
                </tr>
              </thead>
              <tbody>
                <For each={props.user.sessions}>
                  {(session) => (
                    <tr data-testid="user-session-row">
                      <th scope="row" class="wrap">
                        {describeDevice(session.userAgent)}
                      </th>
                      <td data-label={t('admin.user.ip')}>
                        <span class="mono">{session.ip ?? t('admin.user.unknown')}</span>
                      </td>
                      <td data-label={t('admin.user.signedIn')}>
                        <time datetime={session.createdAt}>{formatDateTime(session.createdAt)}</time>
                      </td>
                      <td data-label={t('admin.user.lastActive')}>
                        <time datetime={session.lastSeenAt}>{formatDateTime(session.lastSeenAt)}</time>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </Show>
      </section>
    </>
  );
}
