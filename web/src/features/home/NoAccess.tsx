import { A, type RouteSectionProps } from '@solidjs/router';
import { type Component, Show } from 'solid-js';
import { can } from '../../auth.ts';
import { usePageTitle } from '../../shared/data.tsx';
import type { Permission } from '../../trpc.ts';

/** A page the user's roles do not open: said plainly, instead of the page with its calls refused. */
export function NoAccess() {
  usePageTitle(() => 'No access');
  return (
    <section aria-labelledby="no-access-title" data-testid="no-access">
      <h1 id="no-access-title">You do not have access to this page</h1>
      <p>Your roles do not include this part of the portal. If you need it for your work, ask your administrator.</p>
      <p>
        <A href="/">Go to your home page</A>
      </p>
    </section>
  );
}

/**
 * The route guard: `Page` for users holding any of `permissions`, the no-access page for everyone else.
 * A courtesy only (the server refuses every call anyway), applied to the routes in main.tsx, one place.
 */
export function requires(
  permissions: Permission | Permission[],
  Page: Component<RouteSectionProps> & { preload?: () => Promise<unknown> },
) {
  const any = Array.isArray(permissions) ? permissions : [permissions];
  const guarded = (props: RouteSectionProps) => (
    <Show when={any.some((p) => can(p))} fallback={<NoAccess />}>
      <Page {...props} />
    </Show>
  );
  // A lazy page keeps its preload, so the router fetches its chunk beside the shell's, not after it.
  return Object.assign(guarded, { preload: Page.preload });
}
