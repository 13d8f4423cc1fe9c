// What the face step says: the prompt the screen shows (FaceScreen's
// FaceMessage picks the same key), said as it changes, and a tone as each
// challenge action begins, so a citizen who cannot read the prompt still
// knows when to blink or turn.
import { useEffect } from 'react';
import type { FaceView } from '../face/faceController';
import { isMessageKey, type MessageKey } from '../i18n';
import { speaker } from './speaker';
import { useSessionLanguage } from './useSpeech';

/** The key of the face prompt on screen, or null where the screen's own words cover it (loading, captured). */
export function spokenFaceKey(view: FaceView | null): MessageKey | null {
  // The briefing is said by the screen itself (its heading, then the actions in order).
  if (!view || view.phase === 'loading' || view.phase === 'captured' || view.phase === 'briefing') return null;
  if (view.phase === 'error') return knownOr(`face.error.${view.failure}`, 'face.error.other');
  if (view.phase === 'failed') return knownOr(`face.failure.${view.failure}`, 'face.failure.other');
  if (view.phase === 'starting' || (view.phase === 'challenge' && view.announcing && view.prompt === 'good')) return 'face.starting.good';
  if (view.phase === 'challenge' && view.action && view.prompt === 'good') return `face.action.${view.action}`;
  if (view.phase === 'sending') return 'face.sending';
  if (view.phase === 'final' && view.prompt === 'good') return 'face.final';
  return `face.prompt.${view.prompt}`;
}

function knownOr(key: string, fallback: MessageKey): MessageKey {
  return isMessageKey(key) ? key : fallback;
}

/** Says each new face prompt (after the screen's own words) and sounds a tone for each challenge action. */
export function useFaceSpeech(view: FaceView | null): void {
  const language = useSessionLanguage();
  const key = spokenFaceKey(view);
  const action = view?.phase === 'challenge' ? view.action : null;
  const stepIndex = view?.stepIndex ?? 0;
  useEffect(() => {
    if (action) speaker.tone('action');
  }, [action, stepIndex]);
  useEffect(() => {
    if (key) speaker.say([{ key, language }], 'prompt');
  }, [key, language]);
}
