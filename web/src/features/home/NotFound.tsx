import { A } from '@solidjs/router';
import { usePageTitle } from '../../shared/data.tsx';

export default function NotFound() {
  usePageTitle(() => 'Page not found');
  return (
    <section aria-labelledby="not-found-title">
      <h1 id="not-found-title">Page not found</h1>
      <p>There is no page at this address. It may have moved, or the link may be mistyped.</p>
      <p>
        <A href="/">Go to the start page</A>
      </p>
    </section>
  );
}
