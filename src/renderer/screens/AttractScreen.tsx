// Shown between citizens: bilingual, because no language is chosen yet.
// Right after a citizen cancels or finishes it first says, for a few
// seconds, that their data is erased.
import { useEffect, useState } from 'react';
import { translator } from '../i18n';
import { useJourney } from '../context';
import { HelpButton, LargeTextToggle } from '../access/AccessButtons';
import { HelpDialog } from '../access/HelpDialog';
import { BilingualSpeechControls } from '../components/SpeechControls';
import { attractSpeech } from '../speech/spokenKeys';

/** How long the "data erased" notice stays on the welcome screen. */
export const ERASED_NOTICE_MS = 6_000;

const id = translator('id');
const en = translator('en');
/** No language is chosen yet: the welcome screen's own buttons speak both. */
export const bothLanguages = [
  { language: 'id' as const, t: id },
  { language: 'en' as const, t: en },
];
/** Large text set here and then left unused goes back to the default, so it is not the next citizen's surprise. */
export const ATTRACT_LARGE_TEXT_MS = 90_000;

export function AttractScreen() {
  const start = useJourney((state) => state.start);
  const erased = useJourney((state) => state.erasedNotice);
  const setErasedNotice = useJourney((state) => state.setErasedNotice);
  const helpOpen = useJourney((state) => state.helpOpen);
  const largeText = useJourney((state) => state.largeText);
  const toggleLargeText = useJourney((state) => state.toggleLargeText);
  useEffect(() => {
    if (!largeText) return;
    const timer = setTimeout(toggleLargeText, ATTRACT_LARGE_TEXT_MS);
    return () => clearTimeout(timer);
  }, [largeText, toggleLargeText]);
  // Said as the screen appears: "your data is erased" only right after a citizen, and not again when the notice goes.
  const [spoken] = useState(() => attractSpeech.filter((key) => erased || key !== 'attract.erased'));
  useEffect(() => {
    if (!erased) return;
    const timer = setTimeout(() => setErasedNotice(false), ERASED_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [erased, setErasedNotice]);
  return (
    <main className="attract" data-step="attract">
      <div className="attract-erased" role="status" data-testid="erased-notice" hidden={!erased}>
        {erased && (
          <>
            <p>{id('attract.erased')}</p>
            <p lang="en" className="attract-en">
              {en('attract.erased')}
            </p>
          </>
        )}
      </div>
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
      {/* One touch starts the journey in the language it names: the welcome and the language choice are one screen. */}
      <div className="attract-starts">
        <button type="button" className="button button-huge attract-start" onClick={() => void start('id')} data-testid="start">
          <span className="attract-start-word">{id('attract.startButton')}</span>
          <span className="attract-start-language">{id('attract.languageName')}</span>
        </button>
        <button
          type="button"
          className="button button-huge attract-start"
          onClick={() => void start('en')}
          data-testid="start-en"
          lang="en"
        >
          <span className="attract-start-word">{en('attract.startButton')}</span>
          <span className="attract-start-language">{en('attract.languageName')}</span>
        </button>
      </div>
      <nav className="attract-toolbar" aria-label={`${id('access.toolbar')} / ${en('access.toolbar')}`}>
        <HelpButton labels={bothLanguages} />
        <LargeTextToggle labels={bothLanguages} />
      </nav>
      {helpOpen && <HelpDialog screen="attract" labels={bothLanguages} />}
      <BilingualSpeechControls keys={spoken} />
    </main>
  );
}
