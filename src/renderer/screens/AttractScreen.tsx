// Shown between citizens: bilingual, because no language is chosen yet.
import { translator } from '../i18n';
import { useJourney } from '../context';

const id = translator('id');
const en = translator('en');

export function AttractScreen() {
  const start = useJourney((state) => state.start);
  return (
    <main className="attract" data-step="attract">
      <div className="attract-text">
        <h1>{id('attract.title')}</h1>
        <p lang="en" className="attract-en">
          {en('attract.title')}
        </p>
        <p>{id('attract.subtitle')}</p>
        <p lang="en" className="attract-en">
          {en('attract.subtitle')}
        </p>
        <p className="attract-bring">{id('attract.bring')}</p>
        <p lang="en" className="attract-en">
          {en('attract.bring')}
        </p>
      </div>
      <button type="button" className="button button-primary button-huge attract-start" onClick={() => void start()} data-testid="start">
        <span>{id('attract.start')}</span>
        <span lang="en" className="attract-start-en">
          {en('attract.start')}
        </span>
      </button>
    </main>
  );
}
