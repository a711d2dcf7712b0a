// Placeholder until the view lands (issue 6).

import { useT } from '../i18n';

export function CompareView() {
  const t = useT();
  return (
    <section className="panel">
      <h2>{t('nav.compare')}</h2>
    </section>
  );
}
