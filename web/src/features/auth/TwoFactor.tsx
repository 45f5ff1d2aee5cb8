import { A } from '@solidjs/router';
import { t } from '../../i18n.ts';
import { usePageTitle } from '../../shared/data.tsx';
import { TwoFactorSetup } from './two-factor.tsx';

/** /security/two-factor: status, enrolment and new recovery codes on a page of their own. */
export default function TwoFactorPage() {
  usePageTitle(() => t('tfa.title'));
  return (
    <section class="profile" aria-labelledby="two-factor-page-title">
      <p class="back">
        <A href="/profile">{t('tfa.backToProfile')}</A>
      </p>
      <h1 id="two-factor-page-title">{t('tfa.title')}</h1>
      <div class="panel panel-medium">
        <TwoFactorSetup level={2} />
      </div>
    </section>
  );
}
