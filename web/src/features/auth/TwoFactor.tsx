import { A } from '@solidjs/router';
import { usePageTitle } from '../../shared/data.tsx';
import { TwoFactorSetup } from './two-factor.tsx';

/** /security/two-factor: status, enrolment and new recovery codes on a page of their own. */
export default function TwoFactorPage() {
  usePageTitle(() => 'Two-factor authentication');
  return (
    <section class="profile" aria-labelledby="two-factor-page-title">
      <p class="back">
        <A href="/profile">Back to your profile</A>
      </p>
      <h1 id="two-factor-page-title">Two-factor authentication</h1>
      <div class="panel panel-medium">
        <TwoFactorSetup level={2} />
      </div>
    </section>
  );
}
