// What is collected, why, how long it is kept, who receives it and the
// citizen's rights (UU 27/2022 art. 16–22); declining erases the session.
import { useJourney, useT } from '../context';
import type { MessageKey } from '../i18n';
import { StepFrame } from '../components/StepFrame';

const sections: Array<[MessageKey, MessageKey]> = [
  ['consent.collectTitle', 'consent.collectBody'],
  ['consent.whyTitle', 'consent.whyBody'],
  ['consent.keepTitle', 'consent.keepBody'],
  ['consent.whoTitle', 'consent.whoBody'],
  ['consent.rightsTitle', 'consent.rightsBody'],
];

export function ConsentScreen() {
  const t = useT();
  const accept = useJourney((state) => state.acceptConsent);
  const decline = useJourney((state) => state.declineConsent);
  const back = useJourney((state) => state.back);
  return (
    <StepFrame
      step="consent"
      instruction="consent.title"
      actions={
        <>
          <button type="button" className="button button-secondary" onClick={() => void back()} data-testid="back">
            {t('common.back')}
          </button>
          <button type="button" className="button button-secondary" onClick={() => void decline()} data-testid="consent-decline">
            {t('consent.decline')}
          </button>
          <button type="button" className="button button-primary" onClick={() => void accept()} data-testid="consent-accept">
            {t('consent.accept')}
          </button>
        </>
      }
    >
      <p className="lead">{t('consent.intro')}</p>
      <div className="consent-sections" tabIndex={0} role="region" aria-label={t('consent.title')}>
        {sections.map(([title, body]) => (
          <section key={title}>
            <h2>{t(title)}</h2>
            <p>{t(body)}</p>
          </section>
        ))}
      </div>
    </StepFrame>
  );
}
