// The booth core cannot be reached: say so in both languages, never show a
// half-working journey.
import { translator } from '../i18n';

const id = translator('id');
const en = translator('en');

export function OfflineScreen() {
  return (
    <main className="attract" data-step="offline" role="alert">
      <div className="attract-text">
        <h1>{id('offline.title')}</h1>
        <p>{id('offline.body')}</p>
        <p lang="en" className="attract-en">
          {en('offline.title')}
        </p>
        <p lang="en" className="attract-en">
          {en('offline.body')}
        </p>
      </div>
    </main>
  );
}
