// What the face step says: the prompt the screen shows (FaceScreen's
// FaceMessage picks the same key), said as it changes, and a tone when each
// challenge action's wait ends: the next action is shown and said first, and
// the tone says "now", so a citizen who cannot read the prompt still knows
// when to close their eyes or turn.
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
  if (view.phase === 'challenge' && view.action && view.waiting && view.prompt === 'good') return `face.next.${view.action}`;
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
  // The tone is the go: it sounds when a step's wait ends, never while the next action is only being shown.
  const go = view?.phase === 'challenge' && view.action && !view.waiting ? view.stepIndex : null;
  useEffect(() => {
    if (go !== null) speaker.tone('action');
  }, [go]);
  useEffect(() => {
    if (key) speaker.say([{ key, language }], 'prompt');
  }, [key, language]);
}
