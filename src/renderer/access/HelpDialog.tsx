// "Need help?": what to do on this screen, and "Call an officer", which puts
// the large sign on the booth and tells the core.
import { useEffect, useRef } from 'react';
import type { HelpScreen } from '../../shared/contract/schemas';
import { useJourney } from '../context';
import type { Labelled } from './AccessButtons';
import { helpTexts } from './helpTexts';

export function HelpDialog({ screen, labels }: Labelled & { screen: HelpScreen }) {
  const close = useJourney((state) => state.setHelpOpen);
  const callOfficer = useJourney((state) => state.callOfficer);
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => closeButton.current?.focus(), []);
  const [main] = labels;
  if (!main) return null;

  return (
    <div className="overlay">
      <div className="dialog dialog-help" role="dialog" aria-modal="true" aria-labelledby="help-title" data-testid="help-dialog">
        <h2 id="help-title">{labels.map(({ t }) => t('help.title')).join(' / ')}</h2>
        {labels.map(({ language, t }) => (
          <div key={language} lang={language} className="help-text">
            <p data-testid={`help-text-${language}`}>{t(helpTexts[screen])}</p>
            <p className="lead">{t('help.callOfficerHint')}</p>
          </div>
        ))}
        <div className="dialog-actions">
          <button type="button" ref={closeButton} className="button button-secondary" onClick={() => close(false)} data-testid="help-close">
            {labels.map(({ t }) => t('help.close')).join(' / ')}
          </button>
          <button type="button" className="button button-primary" onClick={() => void callOfficer(screen)} data-testid="call-officer">
            {labels.map(({ t }) => t('help.callOfficer')).join(' / ')}
          </button>
        </div>
      </div>
    </div>
  );
}
