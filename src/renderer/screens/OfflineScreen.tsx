// The booth core cannot be reached: say so in both languages, never show a
// half-working journey.
import { translator } from '../i18n';

const id = translator('id');
const en = translator('en');

const bodies = {
  offline: 'offline.body',
  /** Connected, but another window owns the booth (the headless host allows one). */
  'in-use': 'offline.inUseBody',
  /** Connected, but the booth's core process is down and restarting (or has given up). */
  'out-of-service': 'offline.outOfServiceBody',
} as const;

export function OfflineScreen({ reason }: { reason: keyof typeof bodies }) {
  const body = bodies[reason];
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
    </main>
  );
}
