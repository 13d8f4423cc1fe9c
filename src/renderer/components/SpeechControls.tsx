// Spoken guidance on every screen: the screen's words are said when it
// appears, and again on the large "Repeat" button; louder and softer buttons
// set the volume for this session only (it is the booth's default again for
// the next citizen). Screens before a language is chosen, and those shown
// with no session at all (welcome, offline), speak and label both languages.
import type { Language } from '../../shared/journey/machine';
import { translator, type MessageKey, type Translate } from '../i18n';
import { bilingualInstructions, screenSpeech, type InstructionKey } from '../speech/spokenKeys';
import { MIN_VOLUME, useSpeechSettings } from '../speech/speechStore';
import { useScreenSpeech, useSessionLanguage, type ScreenSpeech } from '../speech/useSpeech';

const id = translator('id');
const en = translator('en');
const both: Translate = (key, vars) => `${id(key, vars)} / ${en(key, vars)}`;

/** What a StepFrame says for its instruction, with the screen's own detail (e.g. the referral's reason) after it. */
export function instructionSpeech(instruction: InstructionKey, detail?: MessageKey | readonly MessageKey[]): ScreenSpeech {
  const details: readonly MessageKey[] = detail === undefined ? [] : typeof detail === 'string' ? [detail] : detail;
  return { keys: [...screenSpeech[instruction], ...details], bilingual: bilingualInstructions.has(instruction) };
}

/** Inside a session (StepFrame): the session's language. */
export function SpeechControls(speech: ScreenSpeech) {
  const language = useSessionLanguage();
  return <SpeechPanel speech={speech} language={language} label={speech.bilingual ? both : translator(language)} />;
}

/** Outside any session (the welcome and offline screens, which may show before the booth is reached): both languages. */
export function BilingualSpeechControls({ keys }: { keys: readonly MessageKey[] }) {
  return <SpeechPanel speech={{ keys, bilingual: true }} language="id" label={both} />;
}

function SpeechPanel({ speech, language, label }: { speech: ScreenSpeech; language: Language; label: Translate }) {
  const repeat = useScreenSpeech(speech, language);
  const volume = useSpeechSettings((state) => state.volume);
  const louder = useSpeechSettings((state) => state.louder);
  const softer = useSpeechSettings((state) => state.softer);
  const percent = Math.round(volume * 100);
  return (
    <div className="speech-controls" data-testid="speech-controls" data-volume={volume}>
      <button type="button" className="button button-secondary speech-repeat" onClick={repeat} data-testid="speech-repeat">
        <svg aria-hidden="true" className="speech-icon" viewBox="0 0 24 24" width="36" height="36">
          <path d="M3 9h4l5-4v14l-5-4H3z" fill="currentColor" />
          <path
            d="M15.5 8.5a5 5 0 0 1 0 7M18 6a8.5 8.5 0 0 1 0 12"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
            strokeLinecap="round"
          />
        </svg>
        {label('speech.repeat')}
      </button>
      <div className="speech-volume" role="group" aria-label={label('speech.volume', { percent })}>
        <button
          type="button"
          className="button button-secondary"
          onClick={softer}
          data-testid="speech-softer"
          disabled={volume <= MIN_VOLUME}
        >
          {label('speech.softer')}
        </button>
        <span className="speech-level" aria-live="polite" data-testid="speech-level">
          {`${percent} %`}
        </span>
        <button type="button" className="button button-secondary" onClick={louder} data-testid="speech-louder" disabled={volume >= 1}>
          {label('speech.louder')}
        </button>
      </div>
    </div>
  );
}
