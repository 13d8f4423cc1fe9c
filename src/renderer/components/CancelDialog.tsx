// Confirms "cancel and erase" so a stray touch does not throw a citizen's
// typing away, then wipes the session in the core and on screen.
import { useEffect, useRef } from 'react';
import { useJourney, useT } from '../context';
import { cancelSpeech } from '../speech/spokenKeys';
import { useScreenSpeech, useSessionLanguage } from '../speech/useSpeech';

export function CancelDialog({ onKeep }: { onKeep: () => void }) {
  const t = useT();
  const wipe = useJourney((state) => state.wipe);
  const keepButton = useRef<HTMLButtonElement>(null);
  useEffect(() => keepButton.current?.focus(), []);
  useScreenSpeech({ keys: cancelSpeech }, useSessionLanguage());

  return (
    <div className="overlay">
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="cancel-title" aria-describedby="cancel-body">
        <h2 id="cancel-title">{t('cancel.title')}</h2>
        <p id="cancel-body">{t('cancel.body')}</p>
        <div className="dialog-actions">
          <button type="button" ref={keepButton} className="button button-secondary" onClick={onKeep} data-testid="cancel-keep">
            {t('cancel.keep')}
          </button>
          <button type="button" className="button button-danger" onClick={() => void wipe('cancel')} data-testid="cancel-confirm">
            {t('cancel.confirm')}
          </button>
        </div>
      </div>
    </div>
  );
}
