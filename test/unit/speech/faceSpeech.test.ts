// The face step says what it shows: for every phase, prompt, action and
// failure the screen can show, the spoken key is one the generated voice
// has (in both languages, test/unit/speech/voice.test.ts).
import { describe, expect, it } from 'vitest';
import { guidancePrompts } from '../../../src/shared/face/quality';
import { livenessActions, livenessFailures } from '../../../src/shared/face/liveness';
import type { FacePhase, FaceView } from '../../../src/renderer/face/faceController';
import { spokenFaceKey } from '../../../src/renderer/speech/faceSpeech';
import { spokenKeys } from '../../../src/renderer/speech/spokenKeys';
import { useSpeechSettings } from '../../../src/renderer/speech/speechStore';
import { spokenText } from '../../../src/renderer/speech/voiceManifest';
import { cardProblemReasons, spokenCardProblemKey } from '../../../src/renderer/screens/cardProblem';

const phases: FacePhase[] = ['loading', 'briefing', 'position', 'starting', 'challenge', 'final', 'sending', 'captured', 'failed', 'error'];
const failures = [
  ...livenessFailures,
  'CHALLENGE_EXPIRED',
  'ATTEMPTS_EXHAUSTED',
  'NO_CAMERA',
  'CAMERA_DENIED',
  'CAMERA_BUSY',
  'SOMETHING_NEW',
  null,
];

function view(patch: Partial<FaceView>): FaceView {
  return {
    ...{ phase: 'position', prompt: 'noFace', action: null, stepIndex: 0, steps: 3, msLeft: 0, measures: [] },
    ...{ order: ['blink', 'turnLeft', 'turnRight'], stepTimeoutMs: 3000, announcing: false, waiting: false },
    ...{ failure: null, attemptsLeft: 2, faceInView: true, frameMs: 0 },
    ...patch,
  };
}

describe('face speech', () => {
  it('has audio for every prompt, action and failure the face screen shows', () => {
    for (const phase of phases)
      for (const prompt of guidancePrompts)
        for (const action of [null, ...livenessActions])
          for (const failure of failures)
            for (const announcing of [false, true])
              for (const waiting of [false, true]) {
                const key = spokenFaceKey(view({ phase, prompt, action, failure, announcing, waiting }));
                if (key !== null) expect(spokenKeys, `${phase} ${prompt} ${action} ${failure}`).toContain(key);
              }
  });

  it('says the action while the citizen is placed well, the correction otherwise, and nothing while the camera loads', () => {
    expect(spokenFaceKey(view({ phase: 'challenge', action: 'blink', prompt: 'good' }))).toBe('face.action.blink');
    // Before the tone the next action is said, with the word to wait for the tone.
    expect(spokenFaceKey(view({ phase: 'challenge', action: 'turnLeft', prompt: 'good', waiting: true }))).toBe('face.next.turnLeft');
    expect(spokenFaceKey(view({ phase: 'challenge', action: 'turnLeft', prompt: 'moveCloser' }))).toBe('face.prompt.moveCloser');
    expect(spokenFaceKey(view({ phase: 'failed', failure: 'BAD_TRACE' }))).toBe('face.failure.other');
    expect(spokenFaceKey(view({ phase: 'loading' }))).toBeNull();
    // The challenge's start is announced first, then its first action; the briefing is said by the screen.
    expect(spokenFaceKey(view({ phase: 'challenge', action: 'blink', prompt: 'good', announcing: true }))).toBe('face.starting.good');
    expect(spokenFaceKey(view({ phase: 'briefing' }))).toBeNull();
    expect(spokenFaceKey(null)).toBeNull();
  });
});

describe('card speech', () => {
  it('says every way a card read can fail, in words without the number the screen shows', () => {
    for (const reason of [...cardProblemReasons, 'SOMETHING_NEW']) {
      const key = spokenCardProblemKey(reason);
      expect(spokenKeys, reason).toContain(key);
      expect(spokenText('en', key)).not.toMatch(/\{|\d/);
    }
    expect(spokenCardProblemKey('REJECTED')).toBe('speech.card.error.REJECTED');
    expect(spokenCardProblemKey('NO_CARD')).toBe('card.error.NO_CARD');
    expect(spokenCardProblemKey('SAM_LOCKED')).toBe('card.error.READER');
  });
});

describe('speech volume', () => {
  it('steps louder and softer within bounds, and a new session goes back to the default', () => {
    const settings = useSpeechSettings.getState();
    settings.configure({ defaultVolume: 0.6, voicePack: [] });
    expect(useSpeechSettings.getState().volume).toBe(0.6);
    for (let i = 0; i < 5; i++) useSpeechSettings.getState().louder();
    expect(useSpeechSettings.getState().volume).toBe(1);
    for (let i = 0; i < 9; i++) useSpeechSettings.getState().softer();
    expect(useSpeechSettings.getState().volume).toBe(0.2);
    useSpeechSettings.getState().resetVolume();
    expect(useSpeechSettings.getState().volume).toBe(0.6);
  });
});
