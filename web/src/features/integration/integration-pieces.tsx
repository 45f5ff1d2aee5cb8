import { createEffect, createSignal, type JSX, on, Show } from 'solid-js';

/**
 * Pieces the Integrations screen's sections share (keys, webhooks, Epicor Kinetic): labelled fields with
 * their hint, the once-only secret panel, row buttons, and splitting a list of networks.
 */

/** One entry a line (or comma-separated), blank ones dropped: networks (CIDRs) typed into a textarea. */
export const lines = (text: string) =>
  text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * A labelled text field (a textarea when `rows` is given) with an optional hint below it, which the input
 * names with aria-describedby (`<id>-hint`).
 */
export function Field(props: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  testId?: string;
  hint?: JSX.Element;
  hintTestId?: string;
  mono?: boolean;
  rows?: number;
  maxLength?: number;
  inputMode?: 'url' | 'numeric';
  type?: 'password' | 'number';
  min?: number;
  max?: number;
  autocomplete?: string;
  inputRef?: (el: HTMLInputElement) => void;
}) {
  const hintId = () => (props.hint === undefined ? undefined : `${props.id}-hint`);
  const cls = () => (props.mono ? 'input mono' : 'input');
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <Show
        when={props.rows}
        fallback={
          <input
            id={props.id}
            class={cls()}
            type={props.type}
            min={props.min}
            max={props.max}
            autocomplete={props.autocomplete}
            inputMode={props.inputMode}
            maxLength={props.maxLength}
            ref={(el) => props.inputRef?.(el)}
            value={props.value}
            onInput={(e) => props.onInput(e.currentTarget.value)}
            data-testid={props.testId}
            aria-describedby={hintId()}
          />
        }
      >
        {(rows) => (
          <textarea
            id={props.id}
            class={cls()}
            rows={rows()}
            value={props.value}
            onInput={(e) => props.onInput(e.currentTarget.value)}
            data-testid={props.testId}
            aria-describedby={hintId()}
          />
        )}
      </Show>
      <Show when={props.hint !== undefined}>
        <p class="hint" id={hintId()} data-testid={props.hintTestId}>
          {props.hint}
        </p>
      </Show>
    </div>
  );
}

/** A button in a table row's actions: its visible word, and a label naming the row for screen readers. */
export function RowAction(props: {
  testId: string;
  label: string;
  children: JSX.Element;
  danger?: boolean;
  expanded?: boolean;
  ref?: (el: HTMLButtonElement) => void;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      class={props.danger ? 'button button-danger' : 'button'}
      data-testid={props.testId}
      aria-label={props.label}
      aria-expanded={props.expanded}
      ref={(el) => props.ref?.(el)}
      onClick={() => props.onClick()}
    >
      {props.children}
    </button>
  );
}

/**
 * A secret shown once (a new API key, a webhook signing secret): its heading, what to do with it, the value
 * selected on focus, Copy (when `copy` is set) and "I have stored it". Ids and test ids derive from `id`
 * and `testId`: `<id>-title`, `<id>-value`; `<testId>-value`, `-copy`, `-done`.
 */
export function SecretPanel(props: {
  id: string;
  testId: string;
  title: JSX.Element;
  children: JSX.Element;
  label: string;
  value: string;
  done: string;
  onDone: () => void;
  copy?: { copy: string; copied: string; onRefused: () => void };
}) {
  const [copied, setCopied] = createSignal(false);
  createEffect(
    on(
      () => props.value,
      () => setCopied(false),
    ),
  );
  return (
    <section class="panel panel-wide key-secret" data-testid={props.testId} aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      <p>{props.children}</p>
      <div class="key-secret-line">
        <label class="visually-hidden" for={`${props.id}-value`}>
          {props.label}
        </label>
        <input
          id={`${props.id}-value`}
          class="input mono"
          readOnly
          value={props.value}
          data-testid={`${props.testId}-value`}
          onFocus={(e) => e.currentTarget.select()}
        />
        <Show when={props.copy}>
          {(copy) => (
            <button
              type="button"
              class="button"
              data-testid={`${props.testId}-copy`}
              onClick={async () => {
                try {
                  await navigator.clipboard.writeText(props.value);
                  setCopied(true);
                } catch {
                  setCopied(false);
                  copy().onRefused();
                }
              }}
            >
              {copied() ? copy().copied : copy().copy}
            </button>
          )}
        </Show>
      </div>
      <button type="button" class="button" data-testid={`${props.testId}-done`} onClick={() => props.onDone()}>
        {props.done}
      </button>
    </section>
  );
}

/**
 * A state as a badge, styled like the shared StatusBadge (`badge-<state>`) but worded by the caller: the
 * integration sections' states (a webhook delivery's, the Kinetic connection's) have words of their own in
 * the admin part of the catalogue.
 */
export function StateBadge(props: { state: string; text: string }) {
  return <span class={`badge badge-${props.state}`}>{props.text}</span>;
}
