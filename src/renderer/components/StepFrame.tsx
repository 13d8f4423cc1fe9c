// Every step's frame: the booth title, where the citizen is in the journey,
// and a toolbar at the bottom edge, within reach of a seated citizen
// (Section 508 §407.8): help, large text, language, and "cancel and erase".
// The content scrolls while the actions and the keyboard stay in view.
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { journeyPath, type JourneyStep } from '../../shared/journey/machine';
import { useJourney, useT } from '../context';
import type { MessageKey } from '../i18n';
import { HelpButton, LargeTextToggle } from '../access/AccessButtons';
import { HelpDialog } from '../access/HelpDialog';
import { CancelDialog } from './CancelDialog';
import { ProblemText } from './ProblemText';
import { instructionSpeech, SpeechControls } from './SpeechControls';
import type { InstructionKey } from '../speech/spokenKeys';

export interface StepFrameProps {
  step: JourneyStep;
  /**
   * The catalogue key of the screen's main instruction, shown as its heading.
   * A key, not text: spoken guidance says it (with its hint) as the screen appears; speech/spokenKeys.ts lists what each says.
   */
  instruction: InstructionKey;
  /** Said after the instruction (e.g. the referral's reason, the card's failure, the face challenge's actions). */
  spokenDetail?: MessageKey | readonly MessageKey[];
  children: ReactNode;
  /** Buttons at the bottom (back, next). */
  actions?: ReactNode;
  /** A keyboard, shown beside the content in landscape and below it in portrait. */
  keyboard?: ReactNode;
}

export function StepFrame({ step, instruction, spokenDetail, children, actions, keyboard }: StepFrameProps) {
  const t = useT();
  const switchLanguage = useJourney((state) => state.switchLanguage);
  const busy = useJourney((state) => state.busy);
  const language = useJourney((state) => state.session?.language ?? 'id');
  const otherLanguage = language === 'en' ? 'id' : 'en';
  const helpOpen = useJourney((state) => state.helpOpen);
  const labels = useMemo(() => [{ language, t }], [language, t]);
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
      </header>
      <main className="frame-main" aria-busy={busy}>
        <div className="frame-body">
          <div className="frame-content" data-testid="frame-content">
            <h1 ref={heading} tabIndex={-1}>
              {t(instruction)}
            </h1>
            <SpeechControls {...instructionSpeech(instruction, spokenDetail)} />
            {children}
            <ProblemText field="general" id={`${step}-general-problem`} />
          </div>
          {actions && <div className="frame-actions">{actions}</div>}
        </div>
        {keyboard && <div className="frame-keyboard">{keyboard}</div>}
      </main>
      <nav className="frame-toolbar" aria-label={t('access.toolbar')}>
        <HelpButton labels={labels} />
        <LargeTextToggle labels={labels} />
        <button
          type="button"
          className="button button-tool"
          onClick={() => void switchLanguage()}
          lang={otherLanguage}
          data-testid="switch-language"
        >
          {t('common.switchLanguage')}
        </button>
        {/* Other toolbar buttons (e.g. spoken guidance's "Repeat") go here: the toolbar is a wrapping flex row. */}
        <button
          type="button"
          className="button button-danger toolbar-cancel"
          onClick={() => setCancelling(true)}
          data-testid="cancel-erase"
        >
          {t('common.cancelErase')}
        </button>
      </nav>
      {cancelling && <CancelDialog onKeep={() => setCancelling(false)} />}
      {helpOpen && <HelpDialog screen={step} labels={labels} />}
    </div>
  );
}
