import { auditActionLabel } from '@gatehouse/contract';
import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { DetailPage, NoValue } from '../../shared/data.tsx';
import { BeforeAfterDiff, hasBeforeAfter, showValue } from '../../shared/diff.tsx';
import { describeDevice } from '../../shared/format.ts';
import { trpc } from '../../trpc.ts';
import { CrossPartyBadge, formatAuditTime, OutcomeBadge } from './audit-pieces.tsx';

type Entry = Awaited<ReturnType<typeof trpc.audit.get.query>>;

export default function AuditEntry() {
  return (
    <DetailPage
      id="audit-entry"
      noun="Audit entry"
      back={{ href: '/audit', label: 'Back to audit log' }}
      fetch={(id) => trpc.audit.get.query({ id })}
      pageTitle={(e) => `${auditActionLabel(e.action)} · audit entry`}
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
          {auditActionLabel(e().action)}
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
          <dt>Time</dt>
          <dd>
            <time datetime={e().at}>{formatAuditTime(e().at)}</time>
          </dd>
        </div>
        <div>
          <dt>Actor</dt>
          <dd data-testid="audit-entry-actor">
            <Show when={e().actorEmail || e().actorUserId} fallback="system">
              <Show when={e().actorEmail} fallback={<span class="mono break">{e().actorUserId}</span>}>
                {e().actorEmail}
                <span class="mono muted audit-sub">{e().actorUserId}</span>
              </Show>
              <A class="audit-sub" href={`/audit?actor=${e().actorUserId}`} data-testid="audit-entry-actor-filter">
                Everything this user did
              </A>
            </Show>
          </dd>
        </div>
        <div>
          <dt>Organisation</dt>
          <dd>
            <Show when={e().partyName || e().partyId} fallback={<NoValue />}>
              {e().partyName ?? ''}
              <Show when={e().partyId}>{(id) => <span class="mono muted audit-sub">{id()}</span>}</Show>
            </Show>
          </dd>
        </div>
        <div>
          <dt>Entity</dt>
          <dd>
            <Show when={e().entityType || e().entityId} fallback={<NoValue />}>
              {e().entityType ?? ''}
              <Show when={e().entityId}>{(id) => <span class="mono muted audit-sub">{id()}</span>}</Show>
            </Show>
          </dd>
        </div>
        <div>
          <dt>IP address</dt>
          <dd class="mono">{e().ip ?? <NoValue />}</dd>
        </div>
        <div>
          <dt>Device</dt>
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
          <dt>Request id</dt>
          <dd class="mono">{e().requestId ?? <NoValue />}</dd>
        </div>
        <div>
          <dt>Entry id</dt>
          <dd class="mono">{e().id}</dd>
        </div>
      </dl>

      <Show when={hasDiff()}>
        <section class="panel panel-wide audit-panel" aria-labelledby="audit-diff-title" data-testid="audit-diff">
          <h2 id="audit-diff-title">What changed</h2>
          <BeforeAfterDiff before={details().before} after={details().after} />
        </section>
      </Show>

      <section class="panel panel-wide audit-panel" aria-labelledby="audit-details-title" data-testid="audit-details">
        <h2 id="audit-details-title">{hasDiff() ? 'Other details' : 'Details'}</h2>
        <Show when={otherDetails().length > 0} fallback={<p class="muted">No further details.</p>}>
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
            Hash chain
          </h2>
          <Show
            when={e().chain.intact}
            fallback={
              <span class="badge badge-chain-changed" data-testid="audit-chain-status">
                Changed
              </span>
            }
          >
            <span class="badge badge-chain-intact" data-testid="audit-chain-status">
              Intact
            </span>
          </Show>
        </div>
        <p class={`audit-chain-note ${e().chain.intact ? 'hint' : 'form-error'}`}>
          {e().chain.intact
            ? 'This entry’s hash matches its content and the entry before it.'
            : 'This entry’s content no longer matches its recorded hash: it was changed after it was written.'}
        </p>
        <dl class="audit-chain">
          <div>
            <dt>Chain</dt>
            <dd class="mono">{e().chain.key}</dd>
          </div>
          <div>
            <dt>Sequence</dt>
            <dd class="mono">{e().chain.seq}</dd>
          </div>
          <div>
            <dt>Hash</dt>
            <dd class="mono audit-hash">{e().chain.hash}</dd>
          </div>
          <div>
            <dt>Previous hash</dt>
            <dd class="mono audit-hash">{e().chain.prevHash ?? <span class="muted">none (first in chain)</span>}</dd>
          </div>
        </dl>
      </section>
    </>
  );
}
