// The saving step: the face matched and the core seals and stores the
// enrollment in the booth's vault before sign-off. The core moves the
// journey on by itself (to sign-off, or to the desk if the save failed);
// this screen only says that work goes on.
import { useT } from '../context';
import { StepFrame } from '../components/StepFrame';

export function SavingScreen() {
  const t = useT();
  return (
    <StepFrame step="saving" instruction="saving.title">
      <p className="lead" aria-live="polite" data-testid="saving">
        {t('saving.body')}
      </p>
      {/* A commit takes milliseconds to a second: the bar only says that work goes on. */}
      <div className="card-progress face-verify-progress" role="progressbar" aria-label={t('saving.title')}>
        <div className="card-progress-bar" />
      </div>
    </StepFrame>
  );
}
