// The face, sign-off and done steps. Each asks the core to do its step;
// until that capability is built the core answers STEP_UNAVAILABLE and the
// screen says so plainly. Nothing here ever pretends the step succeeded.
import { useEffect, useState } from 'react';
import type { BoothError } from '../../shared/contract/result';
import { useJourney, useT } from '../context';
import type { MessageKey } from '../i18n';
import { StepFrame } from '../components/StepFrame';

export type LaterStep = 'face' | 'signoff' | 'done';

const titles: Record<LaterStep, MessageKey> = {
  face: 'unavailable.face.title',
  signoff: 'unavailable.signoff.title',
  done: 'unavailable.done.title',
};

export function LaterStepScreen({ step }: { step: LaterStep }) {
  const t = useT();
  const runStep = useJourney((state) => state.runStep);
  const wipe = useJourney((state) => state.wipe);
  // The screen is keyed by step (see App), so this state starts fresh per step.
  const [outcome, setOutcome] = useState<BoothError | 'checking'>(
    step === 'done' ? { code: 'STEP_UNAVAILABLE', message: 'done' } : 'checking',
  );

  useEffect(() => {
    if (step === 'done') return;
    let current = true;
    void runStep(step).then((error) => current && error && setOutcome(error));
    return () => {
      current = false;
    };
  }, [step, runStep]);

  if (outcome === 'checking') {
    return (
      <StepFrame step={step} instruction="unavailable.checking">
        <p className="lead" aria-live="polite">
          {t('common.busy')}
        </p>
      </StepFrame>
    );
  }
  const unavailable = outcome.code === 'STEP_UNAVAILABLE';
  return (
    <StepFrame
      step={step}
      instruction={unavailable ? titles[step] : 'common.error.generic'}
      actions={
        <button type="button" className="button button-primary" onClick={() => void wipe('finished')} data-testid="finish-erase">
          {t('unavailable.finish')}
        </button>
      }
    >
      <p className="lead" data-testid="later-step-message">
        {unavailable ? t('unavailable.body') : t('common.error.generic')}
      </p>
    </StepFrame>
  );
}
