// Placeholder until the view lands (issue 6).

import { useT } from '../i18n';

export function LengthView() {
  const t = useT();
  return (
    <section className="panel">
      <h2>{t('nav.length')}</h2>
    </section>
  );
}
