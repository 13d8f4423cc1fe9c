// The booth core cannot be reached: say so in both languages, never show a
// half-working journey.
import { translator } from '../i18n';

const id = translator('id');
const en = translator('en');

/** `inUse`: connected, but another window owns the booth (the headless host allows one). */
export function OfflineScreen({ inUse = false }: { inUse?: boolean }) {
  const body = inUse ? 'offline.inUseBody' : 'offline.body';
  return (
    <main className="attract" data-step={inUse ? 'in-use' : 'offline'} role="alert">
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
