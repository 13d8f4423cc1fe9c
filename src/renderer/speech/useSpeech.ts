// React's side of the speaker: say a screen's words when it appears (after
// the touch that led there), stop when it goes, and keep the settings in step
// with the booth (default volume, voice pack) and the session (the volume
// goes back to the default when a session ends or begins).
import { useCallback, useEffect, useMemo } from 'react';
import type { Language } from '../../shared/journey/machine';
import { useJourney } from '../context';
import type { MessageKey } from '../i18n';
import { speaker, type SpeechItem, type ToneKind } from './speaker';
import { useSpeechSettings } from './speechStore';

/** What a screen speaks: its keys, in the session's language or (before one is chosen) in both. */
export interface ScreenSpeech {
  keys: readonly MessageKey[];
  bilingual?: boolean;
  /** A tone before the words (the idle warning). */
  tone?: ToneKind;
}

/** A screen drawn again at once (a remount) keeps talking instead of starting over: the stop waits one tick. */
let pendingStop: ReturnType<typeof setTimeout> | undefined;

export function speechItems(keys: readonly MessageKey[], languages: readonly Language[]): SpeechItem[] {
  return languages.flatMap((language) => keys.map((key) => ({ key, language })));
}

/** Says the screen's words on entry, in `language` (or both); returns "say them again" for the Repeat button. */
export function useScreenSpeech({ keys, bilingual, tone }: ScreenSpeech, language: Language): () => void {
  const signature = `${bilingual ? 'id,en' : language}:${keys.join(',')}`;
  // The signature holds everything the items are made of: a new array of the same keys is the same speech.
  const items = useMemo(() => speechItems(keys, bilingual ? ['id', 'en'] : [language]), [signature]);
  useEffect(() => {
    clearTimeout(pendingStop);
    if (tone) speaker.tone(tone);
    if (!speaker.saying(items)) speaker.say(items, 'screen');
    return () => {
      clearTimeout(pendingStop);
      pendingStop = setTimeout(() => speaker.stop(), 0);
    };
  }, [items, tone]);
  return useCallback(() => speaker.say(items, 'screen'), [items]);
}

/** The session's language (Bahasa Indonesia before one is chosen). */
export function useSessionLanguage(): Language {
  return useJourney((state) => state.session?.language ?? 'id');
}

/** Booth settings into the speech store, and the default volume again for every new session. Mounted once, in App. */
export function useSpeechSession(): void {
  const speech = useJourney((state) => state.info?.speech);
  const sessionId = useJourney((state) => state.session?.sessionId ?? null);
  const configure = useSpeechSettings((state) => state.configure);
  const resetVolume = useSpeechSettings((state) => state.resetVolume);
  useEffect(() => {
    if (speech) configure(speech);
  }, [speech, configure]);
  useEffect(() => {
    resetVolume();
    // Nothing is left saying the last citizen's screen once the session is gone.
    if (sessionId === null) speaker.stop();
  }, [sessionId, resetVolume]);
}
