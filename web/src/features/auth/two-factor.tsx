import { LIMITS } from '@gatehouse/contract';
import { useNavigate, useSearchParams } from '@solidjs/router';
import { batch, createEffect, createSignal, type JSX, Match, on, onMount, Show, Switch } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import { guard, refreshMe, safeNext, signedIn } from '../../auth.ts';
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
      <h2 id="two-factor-title">Two-factor authentication</h2>
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
  usePageTitle(() => 'Set up two-factor authentication');
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
      <h1 id="enrol-title">Set up two-factor authentication</h1>
      <p class="notice" data-testid="enrolment-reason">
        Your organisation requires two-factor authentication for your account. Set it up now to continue: you need your
        password and an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator,
        1Password or Aegis).
      </p>
      <Show when={error()}>{(message) => <ErrorPanel message={message()} onRetry={() => void finish()} />}</Show>
      <div class="panel panel-medium">
        <TwoFactorSetup level={2} forced onFinished={() => void finish()} />
      </div>
      <p class="hint after-panel">
        Cannot do this now? Sign out with the button at the top of the page and come back later.
      </p>
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
                onCancel={() => backToStatus('Set-up cancelled. Two-factor authentication is still off.')}
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
                  backToStatus('Two-factor authentication is on. Keep your recovery codes safe.');
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
            <span class="badge badge-off">Off</span> Not set up
          </H>
          <p>
            Add a second step to signing in: after your password, a 6-digit code from an authenticator app on your
            phone. Someone who learns your password still cannot sign in.
          </p>
          <Show when={props.status.pending}>
            <p class="hint">You started setting this up earlier but did not finish. Start again to get a new key.</p>
          </Show>
          <button type="button" class="button" onClick={props.onSetUp} data-testid="two-factor-set-up">
            Set up two-factor authentication
          </button>
        </div>
      }
    >
      <div data-testid="two-factor-on">
        <H>
          <span class="badge badge-on">On</span> Authenticator app
        </H>
        <p>
          Signing in asks for a code from your authenticator app.{' '}
          <span data-testid="recovery-left">You have {props.status.recoveryCodesLeft} of 10 recovery codes left.</span>
        </p>
        <Show when={props.status.recoveryCodesLeft <= 3}>
          <p class="form-error">Few recovery codes left: create new ones so you do not get locked out.</p>
        </Show>
        <button type="button" class="button" onClick={props.onRegenerate} data-testid="regenerate-codes">
          Create new recovery codes
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
      setError('Enter your password.');
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
      <H>{props.purpose === 'enrol' ? 'Step 1 of 3: confirm it is you' : 'Create new recovery codes'}</H>
      <p class="hint">
        {props.purpose === 'enrol'
          ? 'Enter your password. Next you scan a QR code with your authenticator app.'
          : 'Your current recovery codes stop working once the new ones are made. Enter your password to continue.'}
      </p>
      <FormError id="two-factor-password-error" message={error()} />
      <div class="field">
        <label for="two-factor-password">Password</label>
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
          {props.purpose === 'enrol' ? 'Continue' : 'Create new codes'}
        </button>
        <Show when={!props.forced}>
          <button type="button" class="button" onClick={props.onCancel}>
            Cancel
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
      setCopied('Key copied.');
    } catch {
      setCopied('Copying did not work here: select the key and copy it.');
    }
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (submitting()) return;
    const code = String(new FormData(event.currentTarget as HTMLFormElement).get('code') ?? '').replace(/\s+/g, '');
    if (!/^\d{6}$/.test(code)) {
      setError('Enter the 6-digit code your authenticator app shows for Gatehouse.');
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
      <H>Step 2 of 3: add Gatehouse to your authenticator app</H>
      <div class="scan-grid">
        <div>
          <p>Open your authenticator app, choose to add an account, and scan this code.</p>
          <QrCode value={props.uri} label="QR code to add Gatehouse to your authenticator app" testId="totp-qr" />
        </div>
        <div>
          <p>Cannot scan it? Enter this key in the app instead (time-based, 6 digits):</p>
          <p class="secret">
            <code data-testid="totp-secret">{groupSecret(props.secret)}</code>
          </p>
          <div class="button-row">
            <button type="button" class="button button-small" onClick={() => void copySecret()}>
              Copy key
            </button>
          </div>
          <p class="status-line" role="status">
            {copied()}
          </p>
          <p class="hint">
            The key is shown only now. Gatehouse keeps it sealed and cannot show it again; if you lose it before
            finishing, start again.
          </p>
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
          Step 3 of 3: enter the code from the app
        </Dynamic>
        <FormError id="totp-code-error" message={error()} />
        <div class="field field-narrow">
          <label for="totp-code">6-digit code</label>
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
            Turn on two-factor authentication
          </button>
          <Show when={!props.forced}>
            <button type="button" class="button" onClick={props.onCancel}>
              Cancel
            </button>
          </Show>
        </div>
      </form>
    </div>
  );
}
