import { onTestFailed } from 'vitest';

/**
 * A long scenario in named steps (docs/testing.md): the test's first line makes a stepper, and
 * `step('what happens next')` marks where each part starts. A failure then says which step broke:
 * `step "the operator approves": expected 'pending' to be 'approved'`.
 *
 *   it('a bank change through approvals', async () => {
 *     const step = steps();
 *     step('the supplier asks');
 *     ...
 *     step('two approvers approve');
 *     ...
 *   });
 *
 * The markers are plain statements: they add no scope and no indentation, so variables flow from one step
 * to the next as before and splitting a test changes none of what it does or asserts. The name is put in
 * front of the failure's message when the test fails (vitest's onTestFailed), so it also names a step
 * whose failure is a timeout. Call it inside a test, never in a hook or at module level.
 */
export function steps(): (name: string) => void {
  let current: string | undefined;
  onTestFailed(({ task }) => {
    if (current === undefined) return;
    for (const error of task.result?.errors ?? []) error.message = `step "${current}": ${error.message}`;
  });
  return (name) => {
    current = name;
  };
}
