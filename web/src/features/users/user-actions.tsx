import type { JSX } from 'solid-js';

/**
 * The pieces every action on a user's page shares (UserDetail): a button that is disabled while any action
 * runs and busy while its own does, and the inline confirmation (its text, the danger button that starts
 * on focus, Cancel). The page keeps one `busy` name, so only one action runs at a time.
 */
export function ActionButton(props: {
  testId: string;
  /** The name of the action running now, or null. */
  busy: string | null;
  /** This button's action name (shown busy while it runs); a button that only asks has none. */
  name?: string;
  onClick: () => void;
  children: JSX.Element;
}) {
  return (
    <button
      type="button"
      class="button"
      data-testid={props.testId}
      disabled={props.busy !== null}
      aria-busy={props.name !== undefined ? props.busy === props.name : undefined}
      onClick={() => props.onClick()}
    >
      {props.children}
    </button>
  );
}

/** An inline "are you sure" box: the question, the danger button (id confirm-yes, focused by the page), Cancel. */
export function ConfirmBox(props: {
  textId: string;
  text: JSX.Element;
  yes: string;
  cancel: string;
  busy: boolean;
  onYes: () => void;
  onCancel: () => void;
}) {
  return (
    <div class="confirm" data-testid="confirm">
      <p id={props.textId} class="confirm-text">
        {props.text}
      </p>
      <div class="button-row">
        <button
          type="button"
          id="confirm-yes"
          class="button button-danger"
          aria-describedby={props.textId}
          disabled={props.busy}
          aria-busy={props.busy}
          onClick={() => props.onYes()}
        >
          {props.yes}
        </button>
        <button type="button" class="button" onClick={() => props.onCancel()}>
          {props.cancel}
        </button>
      </div>
    </div>
  );
}
