// "Are you still there?" with a visible countdown and one large button
// (WCAG 2.2.1: the citizen is warned and can extend with a single action).
import { useEffect, useRef } from 'react';
import { useT } from '../context';
import { idleSpeech } from '../speech/spokenKeys';
import { useScreenSpeech, useSessionLanguage } from '../speech/useSpeech';

export function IdleWarning({ secondsLeft, onContinue }: { secondsLeft: number; onContinue: () => void }) {
  const t = useT();
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  // A tone, then the words: a citizen who stepped away is called back (the countdown is not spoken).
  useScreenSpeech({ keys: idleSpeech, tone: 'idle' }, useSessionLanguage());

  return (
    <div className="overlay">
      <div
        className="dialog dialog-idle"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="idle-title"
        aria-describedby="idle-body"
        data-testid="idle-warning"
      >
        <h2 id="idle-title">{t('idle.title')}</h2>
        <p className="idle-countdown" aria-hidden="true">
          {secondsLeft}
        </p>
        <p id="idle-body" aria-live="polite">
          {t('idle.body', { seconds: secondsLeft })}
        </p>
        <button type="button" ref={button} className="button button-primary button-huge" onClick={onContinue} data-testid="idle-continue">
          {t('idle.continue')}
        </button>
      </div>
    </div>
  );
}
