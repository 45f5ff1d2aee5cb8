import { LIMITS } from '@gatehouse/contract';
import { Show } from 'solid-js';

/** The message of a refused form, announced at once; `id` lets the form point at it (aria-describedby). */
export function FormError(props: { id: string; message: string | null; testId?: string }) {
  return (
    <Show when={props.message}>
      {(message) => (
        <p class="form-error" role="alert" id={props.id} data-testid={props.testId ?? props.id}>
          {message()}
        </p>
      )}
    </Show>
  );
}

/**
 * "New password" and "Confirm new password", with the length rule said up front. The refs let the page
 * put the caret in the field to fix.
 */
export function NewPasswordFields(props: {
  idPrefix: string;
  label?: string;
  newRef: (el: HTMLInputElement) => void;
  confirmRef: (el: HTMLInputElement) => void;
  invalid?: 'new' | 'confirm' | null;
}) {
  const label = () => props.label ?? 'New password';
  return (
    <>
      <div class="field">
        <label for={`${props.idPrefix}-new-password`}>{label()}</label>
        <input
          id={`${props.idPrefix}-new-password`}
          name="newPassword"
          type="password"
          autocomplete="new-password"
          minlength={LIMITS.passwordMin}
          maxlength={LIMITS.passwordMax}
          aria-describedby={`${props.idPrefix}-new-password-hint`}
          aria-invalid={props.invalid === 'new' ? 'true' : undefined}
          required
          ref={props.newRef}
        />
        <p class="hint" id={`${props.idPrefix}-new-password-hint`}>
          At least {LIMITS.passwordMin} characters. A passphrase of several words is easy to remember and hard to guess.
        </p>
      </div>
      <div class="field">
        <label for={`${props.idPrefix}-confirm-password`}>Confirm {label().toLowerCase()}</label>
        <input
          id={`${props.idPrefix}-confirm-password`}
          name="confirmPassword"
          type="password"
          autocomplete="new-password"
          maxlength={LIMITS.passwordMax}
          aria-invalid={props.invalid === 'confirm' ? 'true' : undefined}
          required
          ref={props.confirmRef}
        />
      </div>
    </>
  );
}
