// The journey's successful end: an officer approved the enrollment, and the
// upstream sends the activation code by e-mail. The screen says where it
// goes and what to do with it; finishing erases the session.
import { useJourney, useT } from '../context';
import { StepFrame } from '../components/StepFrame';

export function DoneScreen() {
  const t = useT();
  const wipe = useJourney((state) => state.wipe);
  const email = useJourney((state) => state.session?.email ?? '');
  return (
    <StepFrame
      step="done"
      instruction="done.title"
      actions={
        <button type="button" className="button button-primary" onClick={() => void wipe('finished')} data-testid="finish-erase">
          {t('done.finish')}
        </button>
      }
    >
      <p className="lead" data-testid="done-message">
        {t('done.body', { email })}
      </p>
    </StepFrame>
  );
}
