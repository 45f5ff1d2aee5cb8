import { LIMITS, passwordProblem } from '@gatehouse/contract';
import { Show } from 'solid-js';
import { t } from '../i18n.ts';

/**
 * The contract's password rule (the server applies the same), in the user's language: the rule's English
 * message, as the server writes it, mapped to its catalogue key.
 */
export function passwordProblemText(password: string, about?: Parameters<typeof passwordProblem>[1]): string | null {
  const problem = passwordProblem(password, about);
  if (problem === null) return null;
  if (problem.startsWith('Use at least')) return t('password.tooShort', { count: LIMITS.passwordMin });
  if (problem.startsWith('Use at most')) return t('password.tooLong', { count: LIMITS.passwordMax });
  if (problem.startsWith('Do not use your email')) return t('password.personal');
  if (problem.startsWith('Do not use one character')) return t('password.repeated');
  return problem;
}

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
  /** The second field's label when `label` is given ('Confirm password'). */
  confirmLabel?: string;
  newRef: (el: HTMLInputElement) => void;
  confirmRef: (el: HTMLInputElement) => void;
  invalid?: 'new' | 'confirm' | null;
}) {
  const label = () => props.label ?? t('password.new');
  const confirmLabel = () => props.confirmLabel ?? t('password.confirmNew');
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
          {t('password.hint', { count: LIMITS.passwordMin })}
        </p>
      </div>
      <div class="field">
        <label for={`${props.idPrefix}-confirm-password`}>{confirmLabel()}</label>
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
