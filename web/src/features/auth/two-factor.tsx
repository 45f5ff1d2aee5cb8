import { LIMITS } from '@gatehouse/contract';
import { useNavigate, useSearchParams } from '@solidjs/router';
import { batch, createEffect, createSignal, type JSX, Match, on, onMount, Show, Switch } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import { guard, refreshMe, safeNext, signedIn } from '../../auth.ts';
import { t } from '../../i18n.ts';
import { ErrorPanel, usePageTitle } from '../../shared/data.tsx';
import { errorCode, errorMessage } from '../../shared/errors.ts';
import { FormError } from '../../shared/forms.tsx';
import { QrCode } from '../../shared/qr.tsx';
import { withReauth } from '../../shared/reauth.tsx';
import { RecoveryCodes } from '../../shared/recovery-codes.tsx';
import { trpc } from '../../trpc.ts';

export type Status = Awaited<ReturnType<typeof trpc.auth.twoFactor.status.query>>;

export type Stage =
  | { kind: 'status' }
  | { kind: 'password'; purpose: 'enrol' | 'regenerate' }
  | { kind: 'scan'; secret: string; uri: string }
  | { kind: 'codes'; codes: string[] };

/** 'JBSWY3DPEHPK3PXP' -> 'JBSW Y3DP EHPK 3PXP': easier to read out and type. */
export const groupSecret = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

/** The profile's panel. */
export function TwoFactorPanel() {
  return (
    <section class="panel" aria-labelledby="two-factor-title" data-testid="two-factor-panel">
      <h2 id="two-factor-title">{t('tfa.title')}</h2>
      <TwoFactorSetup level={3} />
    </section>
  );
}

/**
 * Shown instead of every page while the organisation's policy requires a second factor that this user has
 * not set up: the reason, the enrolment, and sign-out (in the header). Afterwards, on to where the user was
 * going.
 */
export function EnrolmentRequired() {
  usePageTitle(() => t('tfa.setUp'));
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [error, setError] = createSignal<string | null>(null);

  const finish = async () => {
    setError(null);
    try {
      const me = await guard(trpc.auth.me.query());
      const next = safeNext(typeof params.next === 'string' ? params.next : undefined);
      batch(() => {
        signedIn(me);
        navigate(next, { replace: true });
      });
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <section class="profile" aria-labelledby="enrol-title" data-testid="enrolment-required">
      <h1 id="enrol-title">{t('tfa.setUp')}</h1>
      <p class="notice" data-testid="enrolment-reason">
        {t('tfa.required')}
      </p>
      <Show when={error()}>{(message) => <ErrorPanel message={message()} onRetry={() => void finish()} />}</Show>
      <div class="panel panel-medium">
        <TwoFactorSetup level={2} forced onFinished={() => void finish()} />
      </div>
      <p class="hint after-panel">{t('tfa.later')}</p>
    </section>
  );
}

/**
 * The two-factor state machine: status → password → scan the QR code and enter a code → recovery codes
 * (or status → password → new recovery codes). `forced` starts at the password and offers no way back.
 */
export function TwoFactorSetup(props: { level: 2 | 3; forced?: boolean; onFinished?: () => void }) {
  const [stage, setStage] = createSignal<Stage>(
    props.forced ? { kind: 'password', purpose: 'enrol' } : { kind: 'status' },
  );
  const [status, setStatus] = createSignal<Status | null>(null);
  const [statusError, setStatusError] = createSignal<string | null>(null);
  const [announcement, setAnnouncement] = createSignal<string | null>(null);
  let stageHeading: HTMLElement | undefined;

  const loadStatus = async () => {
    setStatusError(null);
    try {
      setStatus(await guard(trpc.auth.twoFactor.status.query()));
    } catch (err) {
      setStatusError(errorMessage(err));
    }
  };
  onMount(() => {
    if (!props.forced) void loadStatus();
  });

  // Each step starts keyboard and screen reader users at its heading.
  createEffect(
    on(
      () => stage().kind,
      () => queueMicrotask(() => stageHeading?.focus()),
      { defer: true },
    ),
  );

  const go = (next: Stage) => {
    setAnnouncement(null);
    setStage(next);
  };
  const backToStatus = (message: string | null = null) => {
    setStage({ kind: 'status' });
    setAnnouncement(message);
    void loadStatus();
  };

  const Heading = (p: { children: JSX.Element; testId?: string }) => (
    <Dynamic
      component={`h${props.level}`}
      class="focus-target step-heading"
      tabindex="-1"
      data-testid={p.testId}
      ref={(el: HTMLElement) => {
        stageHeading = el;
      }}
    >
      {p.children}
    </Dynamic>
  );

  return (
    <div class="two-factor" data-testid="two-factor">
      <div role="status" data-testid="two-factor-status-message">
        <Show when={announcement()}>{(message) => <p class="notice">{message()}</p>}</Show>
      </div>
      <Switch>
        <Match when={stage().kind === 'status'}>
          <Show when={statusError()}>
            {(message) => <ErrorPanel message={message()} onRetry={() => void loadStatus()} />}
          </Show>
          <Show when={!status() && !statusError()}>
            <p class="list-message" role="status">
              Loading…
            </p>
          </Show>
          <Show when={status()}>
            {(s) => (
              <StatusView
                status={s()}
                heading={Heading}
                onSetUp={() => go({ kind: 'password', purpose: 'enrol' })}
                onRegenerate={() => go({ kind: 'password', purpose: 'regenerate' })}
              />
            )}
          </Show>
        </Match>
        <Match when={stage().kind === 'password' && stage()}>
          {(s) => {
            const purpose = (s() as Extract<Stage, { kind: 'password' }>).purpose;
            return (
              <PasswordStep
                purpose={purpose}
                heading={Heading}
                forced={props.forced ?? false}
                onCancel={() => backToStatus()}
                onEnrolStarted={(secret, uri) => go({ kind: 'scan', secret, uri })}
                onCodes={(codes) => go({ kind: 'codes', codes })}
                onAlreadyOn={(message) => backToStatus(message)}
              />
            );
          }}
        </Match>
        <Match when={stage().kind === 'scan' && stage()}>
          {(s) => {
            const { secret, uri } = s() as Extract<Stage, { kind: 'scan' }>;
            return (
              <ScanStep
                level={props.level}
                secret={secret}
                uri={uri}
                heading={Heading}
                forced={props.forced ?? false}
                onCancel={() => backToStatus(t('tfa.cancelled'))}
                onConfirmed={(codes) => go({ kind: 'codes', codes })}
              />
            );
          }}
        </Match>
        <Match when={stage().kind === 'codes' && stage()}>
          {(s) => (
            <RecoveryCodes
              codes={(s() as Extract<Stage, { kind: 'codes' }>).codes}
              headingLevel={props.level}
              onSaved={() => {
                if (props.onFinished) {
                  props.onFinished();
                } else {
                  backToStatus(t('tfa.turnedOn'));
                  void refreshMe();
                }
              }}
            />
          )}
        </Match>
      </Switch>
    </div>
  );
}

export type HeadingComponent = (p: { children: JSX.Element; testId?: string }) => JSX.Element;

export function StatusView(props: {
  status: Status;
  heading: HeadingComponent;
  onSetUp: () => void;
  onRegenerate: () => void;
}) {
  const H = props.heading;
  return (
    <Show
      when={props.status.totp}
      fallback={
        <div data-testid="two-factor-off">
          <H>
            <span class="badge badge-off">{t('tfa.off')}</span> {t('tfa.notSetUp')}
          </H>
          <p>{t('tfa.offIntro')}</p>
          <Show when={props.status.pending}>
            <p class="hint">{t('tfa.pending')}</p>
          </Show>
          <button type="button" class="button" onClick={props.onSetUp} data-testid="two-factor-set-up">
            {t('tfa.setUp')}
          </button>
        </div>
      }
    >
      <div data-testid="two-factor-on">
        <H>
          <span class="badge badge-on">{t('tfa.on')}</span> {t('tfa.app')}
        </H>
        <p>
          {t('tfa.onIntro')}{' '}
          <span data-testid="recovery-left">{t('tfa.codesLeft', { count: props.status.recoveryCodesLeft })}</span>
        </p>
        <Show when={props.status.recoveryCodesLeft <= 3}>
          <p class="form-error">{t('tfa.fewLeft')}</p>
        </Show>
        <button type="button" class="button" onClick={props.onRegenerate} data-testid="regenerate-codes">
          {t('tfa.newCodes')}
        </button>
      </div>
    </Show>
  );
}

export function PasswordStep(props: {
  purpose: 'enrol' | 'regenerate';
  heading: HeadingComponent;
  forced: boolean;
  onCancel: () => void;
  onEnrolStarted: (secret: string, uri: string) => void;
  onCodes: (codes: string[]) => void;
  onAlreadyOn: (message: string) => void;
}) {
  const H = props.heading;
  const [error, setError] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  let passwordInput: HTMLInputElement | undefined;

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (submitting()) return;
    const password = String(new FormData(event.currentTarget as HTMLFormElement).get('password') ?? '');
    if (!password) {
      setError(t('tfa.enterPassword'));
      passwordInput?.focus();
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      if (props.purpose === 'enrol') {
        const { secret, uri } = await withReauth(() => trpc.auth.twoFactor.beginTotp.mutate({ password }));
        props.onEnrolStarted(secret, uri);
      } else {
        const { recoveryCodes } = await withReauth(() =>
          trpc.auth.twoFactor.regenerateRecoveryCodes.mutate({ password }),
        );
        props.onCodes(recoveryCodes);
      }
    } catch (err) {
      setSubmitting(false);
      if (errorCode(err) === 'CONFLICT') return props.onAlreadyOn(errorMessage(err));
      setError(errorMessage(err));
      passwordInput?.select();
      passwordInput?.focus();
    }
  };

  return (
    <form
      class="form"
      onSubmit={onSubmit}
      novalidate
      data-testid="two-factor-password-form"
      aria-describedby={error() ? 'two-factor-password-error' : undefined}
    >
      <H>{props.purpose === 'enrol' ? t('tfa.step1') : t('tfa.newCodes')}</H>
      <p class="hint">{props.purpose === 'enrol' ? t('tfa.step1Hint') : t('tfa.newCodesHint')}</p>
      <FormError id="two-factor-password-error" message={error()} />
      <div class="field">
        <label for="two-factor-password">{t('password.password')}</label>
        <input
          id="two-factor-password"
          name="password"
          type="password"
          autocomplete="current-password"
          maxlength={LIMITS.passwordMax}
          required
          ref={passwordInput}
        />
      </div>
      <div class="button-row">
        <button type="submit" class="button button-primary" disabled={submitting()} aria-busy={submitting()}>
          {props.purpose === 'enrol' ? t('tfa.continue') : t('tfa.createCodes')}
        </button>
        <Show when={!props.forced}>
          <button type="button" class="button" onClick={props.onCancel}>
            {t('common.cancel')}
          </button>
        </Show>
      </div>
    </form>
  );
}

export function ScanStep(props: {
  level: 2 | 3;
  secret: string;
  uri: string;
  heading: HeadingComponent;
  forced: boolean;
  onCancel: () => void;
  onConfirmed: (codes: string[]) => void;
}) {
  const H = props.heading;
  const [error, setError] = createSignal<string | null>(null);
  const [copied, setCopied] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  let codeInput: HTMLInputElement | undefined;

  const copySecret = async () => {
    try {
      await navigator.clipboard.writeText(props.secret);
      setCopied(t('tfa.copied'));
    } catch {
      setCopied(t('tfa.copyFailed'));
    }
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (submitting()) return;
    const code = String(new FormData(event.currentTarget as HTMLFormElement).get('code') ?? '').replace(/\s+/g, '');
    if (!/^\d{6}$/.test(code)) {
      setError(t('tfa.enterCode'));
      codeInput?.select();
      codeInput?.focus();
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const { recoveryCodes } = await withReauth(() => trpc.auth.twoFactor.confirmTotp.mutate({ code }));
      props.onConfirmed(recoveryCodes);
    } catch (err) {
      setSubmitting(false);
      setError(errorMessage(err));
      codeInput?.select();
      codeInput?.focus();
    }
  };

  return (
    <div class="scan" data-testid="two-factor-scan">
      <H>{t('tfa.step2')}</H>
      <div class="scan-grid">
        <div>
          <p>{t('tfa.scan')}</p>
          <QrCode value={props.uri} label={t('tfa.qrLabel')} testId="totp-qr" />
        </div>
        <div>
          <p>{t('tfa.cannotScan')}</p>
          <p class="secret">
            <code data-testid="totp-secret">{groupSecret(props.secret)}</code>
          </p>
          <div class="button-row">
            <button type="button" class="button button-small" onClick={() => void copySecret()}>
              {t('tfa.copyKey')}
            </button>
          </div>
          <p class="status-line" role="status">
            {copied()}
          </p>
          <p class="hint">{t('tfa.keyOnce')}</p>
        </div>
      </div>
      <form
        class="form"
        onSubmit={onSubmit}
        novalidate
        data-testid="totp-confirm-form"
        aria-describedby={error() ? 'totp-code-error' : undefined}
      >
        <Dynamic component={`h${props.level + 1}`} class="step-title">
          {t('tfa.step3')}
        </Dynamic>
        <FormError id="totp-code-error" message={error()} />
        <div class="field field-narrow">
          <label for="totp-code">{t('tfa.code')}</label>
          <input
            id="totp-code"
            name="code"
            type="text"
            inputmode="numeric"
            autocomplete="one-time-code"
            pattern="[0-9]{6}"
            maxlength={7}
            spellcheck={false}
            required
            ref={codeInput}
          />
        </div>
        <div class="button-row">
          <button type="submit" class="button button-primary" disabled={submitting()} aria-busy={submitting()}>
            {t('tfa.turnOn')}
          </button>
          <Show when={!props.forced}>
            <button type="button" class="button" onClick={props.onCancel}>
              {t('common.cancel')}
            </button>
          </Show>
        </div>
      </form>
    </div>
  );
}
