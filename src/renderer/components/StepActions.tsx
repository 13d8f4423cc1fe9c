// Back and Next, the same on every data-entry step.
import { useJourney, useT } from '../context';

export function StepActions({ onNext, nextEnabled }: { onNext: () => void; nextEnabled: boolean }) {
  const t = useT();
  const back = useJourney((state) => state.back);
  return (
    <>
      <button type="button" className="button button-secondary" onClick={() => void back()} data-testid="back">
        {t('common.back')}
      </button>
      <button type="button" className="button button-primary" onClick={onNext} disabled={!nextEnabled} data-testid="next">
        {t('common.next')}
      </button>
    </>
  );
}
