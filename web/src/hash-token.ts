import { type Accessor, createSignal, onCleanup, onMount } from 'solid-js';

/** The `token` of a link's URL fragment (`/reset-password#token=...`), or null. */
function tokenFromHash(): string | null {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  return token && token.length >= 10 ? token : null;
}

/**
 * The one-time token of a mailed or printed link. It arrives in the fragment, which browsers never send
 * to a server (so it is in no access log); this keeps it in memory only and takes it out of the address
 * bar at once, so it is not in the history, a bookmark or a shared screen either.
 */
export function useHashToken(): Accessor<string | null> {
  const [token, setToken] = createSignal(tokenFromHash());
  const take = () => {
    const fromHash = tokenFromHash();
    if (fromHash) setToken(fromHash);
    if (window.location.hash) {
      window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    }
  };
  onMount(() => {
    take();
    window.addEventListener('hashchange', take);
  });
  onCleanup(() => window.removeEventListener('hashchange', take));
  return token;
}
