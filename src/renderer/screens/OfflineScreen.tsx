// The booth core cannot be reached: say so in both languages, never show a
// half-working journey.
import { useEffect, useState } from 'react';
import { translator } from '../i18n';
import { LargeTextButton } from '../access/AccessButtons';
import { bothLanguages } from './AttractScreen';
import { BilingualSpeechControls } from '../components/SpeechControls';

const id = translator('id');
const en = translator('en');

const bodies = {
  offline: 'offline.body',
  /** Connected, but another window owns the booth (the headless host allows one). */
  'in-use': 'offline.inUseBody',
  /** Connected, but the booth's core process is down and restarting (or has given up). */
  'out-of-service': 'offline.outOfServiceBody',
  /** Connected and working, but the booth cannot keep a new enrollment (its storage is full or its vault out of service). */
  'not-admitting': 'offline.notAdmittingBody',
} as const;

export function OfflineScreen({ reason }: { reason: keyof typeof bodies }) {
  const body = bodies[reason];
  // This screen may show before there is any store (no way to reach the booth): it holds the large-text mode itself,
  // and gives the default back when it goes.
  const [large, setLarge] = useState(false);
  useEffect(() => {
    if (!large) return;
    document.documentElement.classList.add('large-text');
    return () => document.documentElement.classList.remove('large-text');
  }, [large]);
  return (
    <main className="attract" data-step={reason} role="alert">
      <div className="attract-text">
        <h1>{id('offline.title')}</h1>
        <p>{id(body)}</p>
        <p lang="en" className="attract-en">
          {en('offline.title')}
        </p>
        <p lang="en" className="attract-en">
          {en(body)}
        </p>
      </div>
      {/* No help button: with the core out of reach, the text itself says to ask an officer. */}
      <nav className="attract-toolbar" aria-label={`${id('access.toolbar')} / ${en('access.toolbar')}`}>
        <LargeTextButton labels={bothLanguages} on={large} onToggle={() => setLarge(!large)} />
      </nav>
      <BilingualSpeechControls keys={['offline.title', body]} />
    </main>
  );
}
