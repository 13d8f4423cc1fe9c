// Every step's frame: the booth title, where the citizen is in the journey,
// a language switch, and "cancel and erase" always in reach.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { journeyPath, type JourneyStep } from '../../shared/journey/machine';
import { useJourney, useT } from '../context';
import type { MessageKey } from '../i18n';
import { CancelDialog } from './CancelDialog';
import { ProblemText } from './ProblemText';

export interface StepFrameProps {
  step: JourneyStep;
  /**
   * The catalogue key of the screen's main instruction, shown as its heading.
   * A key, not text: spoken guidance (issue 11) will say exactly this.
   */
  instruction: MessageKey;
  children: ReactNode;
  /** Buttons at the bottom (back, next). */
  actions?: ReactNode;
  /** A keyboard, shown beside the content in landscape and below it in portrait. */
  keyboard?: ReactNode;
}

export function StepFrame({ step, instruction, children, actions, keyboard }: StepFrameProps) {
  const t = useT();
  const switchLanguage = useJourney((state) => state.switchLanguage);
  const busy = useJourney((state) => state.busy);
  const otherLanguage = useJourney((state) => (state.session?.language === 'en' ? 'id' : 'en'));
  const [cancelling, setCancelling] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  // Where on the path to activation; the end at the service desk is on no path.
  const position = (journeyPath as readonly JourneyStep[]).indexOf(step) + 1;

  // Move focus to the new heading so screen readers announce each step.
  useEffect(() => heading.current?.focus(), [step]);

  return (
    <div className={`frame${keyboard ? ' frame-with-keyboard' : ''}`} data-step={step} data-instruction={instruction}>
      <header className="frame-header">
        <span className="frame-brand">{t('app.title')}</span>
        {position > 0 ? (
          <span className="frame-progress">
            <span>{t('common.step', { current: position, total: journeyPath.length })}</span>
            <progress max={journeyPath.length} value={position} aria-hidden="true" />
          </span>
        ) : (
          <span className="frame-progress" />
        )}
        <button type="button" className="button button-quiet" onClick={() => void switchLanguage()} lang={otherLanguage}>
          {t('common.switchLanguage')}
        </button>
        <button type="button" className="button button-danger" onClick={() => setCancelling(true)} data-testid="cancel-erase">
          {t('common.cancelErase')}
        </button>
      </header>
      <main className="frame-main" aria-busy={busy}>
        <div className="frame-content">
          <h1 ref={heading} tabIndex={-1}>
            {t(instruction)}
          </h1>
          {children}
          <ProblemText field="general" id={`${step}-general-problem`} />
          {actions && <div className="frame-actions">{actions}</div>}
        </div>
        {keyboard && <div className="frame-keyboard">{keyboard}</div>}
      </main>
      {cancelling && <CancelDialog onKeep={() => setCancelling(false)} />}
    </div>
  );
}
