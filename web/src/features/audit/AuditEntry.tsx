import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { t } from '../../i18n.ts';
import { DetailPage, NoValue } from '../../shared/data.tsx';
import { BeforeAfterDiff, hasBeforeAfter, showValue } from '../../shared/diff.tsx';
import { describeDevice } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { actionLabel, CrossPartyBadge, formatAuditTime, OutcomeBadge } from './audit-pieces.tsx';

type Entry = Awaited<ReturnType<typeof trpc.audit.get.query>>;

export default function AuditEntry() {
  return (
    <DetailPage
      id="audit-entry"
      noun={t('admin.auditEntry.noun')}
      back={{ href: '/audit', label: t('admin.auditEntry.back') }}
      fetch={(id) => trpc.audit.get.query({ id })}
      pageTitle={(e) => t('admin.auditEntry.pageTitle', { action: actionLabel(e.action) })}
    >
      {(e) => <EntryView entry={e()} />}
    </DetailPage>
  );
}

function EntryView(props: { entry: Entry }) {
  const e = () => props.entry;
  const details = () => e().details ?? {};
  const hasDiff = () => hasBeforeAfter(details());
  const otherDetails = () =>
    Object.entries(details()).filter(([k]) => !(hasDiff() && (k === 'before' || k === 'after')));

  return (
    <>
      <div class="detail-header">
        <h1 id="audit-entry-title" class="audit-entry-title">
          {actionLabel(e().action)}
        </h1>
        <span class="mono muted" data-testid="audit-entry-action-key">
          {e().action}
        </span>
        <OutcomeBadge outcome={e().outcome} />
        <Show when={e().crossParty}>
          <CrossPartyBadge />
        </Show>
      </div>

      <dl class="summary" data-testid="audit-entry-summary">
        <div>
          <dt>{t('admin.audit.time')}</dt>
          <dd>
            <time datetime={e().at}>{formatAuditTime(e().at)}</time>
          </dd>
        </div>
        <div>
          <dt>{t('admin.audit.actor')}</dt>
          <dd data-testid="audit-entry-actor">
            <Show when={e().actorEmail || e().actorUserId} fallback={t('admin.audit.system')}>
              <Show when={e().actorEmail} fallback={<span class="mono break">{e().actorUserId}</span>}>
                {e().actorEmail}
                <span class="mono muted audit-sub">{e().actorUserId}</span>
              </Show>
              <A class="audit-sub" href={`/audit?actor=${e().actorUserId}`} data-testid="audit-entry-actor-filter">
                {t('admin.auditEntry.everythingByActor')}
              </A>
            </Show>
          </dd>
        </div>
        <div>
          <dt>{t('admin.users.organisation')}</dt>
          <dd>
            <Show when={e().partyName || e().partyId} fallback={<NoValue />}>
              {e().partyName ?? ''}
              <Show when={e().partyId}>{(id) => <span class="mono muted audit-sub">{id()}</span>}</Show>
            </Show>
          </dd>
        </div>
        <div>
          <dt>{t('admin.audit.entity')}</dt>
          <dd>
            <Show when={e().entityType || e().entityId} fallback={<NoValue />}>
              {e().entityType ?? ''}
              <Show when={e().entityId}>{(id) => <span class="mono muted audit-sub">{id()}</span>}</Show>
            </Show>
          </dd>
        </div>
        <div>
          <dt>{t('admin.user.ip')}</dt>
          <dd class="mono">{e().ip ?? <NoValue />}</dd>
        </div>
        <div>
          <dt>{t('admin.user.device')}</dt>
          <dd>
            <Show when={e().userAgent} fallback={<NoValue />}>
              {(ua) => (
                <>
                  {describeDevice(ua())}
                  <span class="muted audit-sub audit-ua">{ua()}</span>
                </>
              )}
            </Show>
          </dd>
        </div>
        <div>
          <dt>{t('admin.auditEntry.requestId')}</dt>
          <dd class="mono">{e().requestId ?? <NoValue />}</dd>
        </div>
        <div>
          <dt>{t('admin.auditEntry.entryId')}</dt>
          <dd class="mono">{e().id}</dd>
        </div>
      </dl>

      <Show when={hasDiff()}>
        <section class="panel panel-wide audit-panel" aria-labelledby="audit-diff-title" data-testid="audit-diff">
          <h2 id="audit-diff-title">{t('admin.auditEntry.whatChanged')}</h2>
          <BeforeAfterDiff before={details().before} after={details().after} />
        </section>
      </Show>

      <section class="panel panel-wide audit-panel" aria-labelledby="audit-details-title" data-testid="audit-details">
        <h2 id="audit-details-title">{t(hasDiff() ? 'admin.auditEntry.otherDetails' : 'admin.auditEntry.details')}</h2>
        <Show when={otherDetails().length > 0} fallback={<p class="muted">{t('admin.auditEntry.noDetails')}</p>}>
          <dl class="audit-details">
            <For each={otherDetails()}>
              {([key, value]) => (
                <div>
                  <dt class="mono">{key}</dt>
                  <dd>
                    <Show when={typeof value === 'object' && value !== null} fallback={showValue(value)}>
                      <pre class="audit-json">{showValue(value, true)}</pre>
                    </Show>
                  </dd>
                </div>
              )}
            </For>
          </dl>
        </Show>
      </section>

      <section class="panel panel-wide audit-panel" aria-labelledby="audit-chain-title" data-testid="audit-chain">
        <div class="audit-chain-head">
          <h2 id="audit-chain-title" class="audit-chain-title">
            {t('admin.auditEntry.hashChain')}
          </h2>
          <Show
            when={e().chain.intact}
            fallback={
              <span class="badge badge-chain-changed" data-testid="audit-chain-status">
                {t('admin.auditEntry.chainChanged')}
              </span>
            }
          >
            <span class="badge badge-chain-intact" data-testid="audit-chain-status">
              {t('admin.auditEntry.chainIntact')}
            </span>
          </Show>
        </div>
        <p class={`audit-chain-note ${e().chain.intact ? 'hint' : 'form-error'}`}>
          {e().chain.intact ? t('admin.auditEntry.chainIntactNote') : t('admin.auditEntry.chainChangedNote')}
        </p>
        <dl class="audit-chain">
          <div>
            <dt>{t('admin.auditEntry.chain')}</dt>
            <dd class="mono">{e().chain.key}</dd>
          </div>
          <div>
            <dt>{t('admin.auditEntry.sequence')}</dt>
            <dd class="mono">{e().chain.seq}</dd>
          </div>
          <div>
            <dt>{t('admin.auditEntry.hash')}</dt>
            <dd class="mono audit-hash">{e().chain.hash}</dd>
          </div>
          <div>
            <dt>{t('admin.auditEntry.previousHash')}</dt>
            <dd class="mono audit-hash">
              {e().chain.prevHash ?? <span class="muted">{t('admin.auditEntry.firstInChain')}</span>}
            </dd>
          </div>
        </dl>
      </section>
    </>
  );
}
