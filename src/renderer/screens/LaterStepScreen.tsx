// The sign-off and done steps. Sign-off asks the core to do its step; until
// that capability is built the core refers the citizen to the service desk
// and the referral screen shows. Done is the journey's successful end, which
// this booth cannot reach yet: it says so plainly. Nothing here ever
// pretends a step succeeded.
import { useEffect, useState } from 'react';
import type { BoothError } from '../../shared/contract/result';
import { useJourney, useT } from '../context';
import { StepFrame } from '../components/StepFrame';

export type LaterStep = 'signoff' | 'done';

export function LaterStepScreen({ step }: { step: LaterStep }) {
  return step === 'signoff' ? <SignoffScreen /> : <DoneScreen />;
}

function SignoffScreen() {
  const t = useT();
  const requestSignoff = useJourney((state) => state.requestSignoff);
  const [error, setError] = useState<BoothError | null>(null);
  const [run, setRun] = useState(0);

  useEffect(() => {
    let current = true;
    void requestSignoff().then((answer) => current && setError(answer));
    return () => {
      current = false;
    };
  }, [requestSignoff, run]);

  // The call went wrong without the core moving the journey (e.g. the connection dropped): it can be tried again.
  if (error && error.code !== 'STEP_UNAVAILABLE') {
    return (
      <StepFrame
        step="signoff"
        instruction="common.error.generic"
        actions={
          <button
            type="button"
            className="button button-primary"
            onClick={() => {
              setError(null);
              setRun((n) => n + 1);
            }}
            data-testid="signoff-retry"
          >
            {t('common.retry')}
          </button>
        }
      >
        <p className="lead" data-testid="later-step-message">
          {t('common.error.generic')}
        </p>
      </StepFrame>
    );
  }
  return (
    <StepFrame step="signoff" instruction="unavailable.checking">
      <p className="lead" aria-live="polite">
        {t('common.busy')}
      </p>
    </StepFrame>
  );
}

function DoneScreen() {
  const t = useT();
  const wipe = useJourney((state) => state.wipe);
  return (
    <StepFrame
      step="done"
      instruction="unavailable.done.title"
      actions={
        <button type="button" className="button button-primary" onClick={() => void wipe('finished')} data-testid="finish-erase">
          {t('unavailable.finish')}
        </button>
      }
    >
      <p className="lead" data-testid="later-step-message">
        {t('unavailable.body')}
      </p>
    </StepFrame>
  );
}
