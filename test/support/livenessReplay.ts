// Replay attacks on the liveness challenge (ISO/IEC 30107-3: a recording
// played to the camera), for the replay test and the liveness-replay bench:
// fixed recordings, each replayed through the judge the screen and the core
// run against challenges drawn as the core draws them, started at a random
// moment of the challenge's first 300 ms (an attacker can start a recording
// on the screen's "Good" to about that).
import { drawChallenge, judgeTrace, type Challenge, type LivenessAction, type LivenessSettings } from '../../src/shared/face/liveness';
import { answer, blinkSegments, spontaneousBlink, trace, turnSegments, type Segment } from './livenessTrace';

export interface Recording {
  name: string;
  /** The recording's frames from its start, 30 a second. */
  frames: ReturnType<typeof trace>;
}

/**
 * The strongest fixed recordings: a genuine citizen's answer to each of `count` drawn challenges (right actions, right
 * moments, for that challenge), one that cycles through every action, and one that blinks all the time and turns both ways.
 */
export function replayRecordings(settings: LivenessSettings, random: () => number, count: number): Recording[] {
  const draw = (n: number) => Math.floor(random() * n);
  const answers = Array.from({ length: count }, (_, i) => {
    const challenge = drawChallenge(`recorded-${i}`, settings, draw);
    return { name: `answer-${challenge.steps.join('-')}-${challenge.waitsMs.join('-')}`, frames: answer(challenge) };
  });
  const of = (action: LivenessAction): Segment[] => (action === 'blink' ? blinkSegments : turnSegments(action === 'turnLeft' ? 28 : -28));
  const cycle = (['blink', 'turnLeft', 'blink', 'turnRight'] as const).map(of);
  const spontaneous = Array.from({ length: 4 }, () => spontaneousBlink).flat();
  return [
    ...answers,
    { name: 'cycling', frames: trace(Array.from({ length: 24 }, (_, i) => [{ ms: 1000 }, ...cycle[i % 4]!]).flat()) },
    {
      name: 'blinking-turns',
      frames: trace([...spontaneous, ...turnSegments(28), ...spontaneous, ...turnSegments(-28), ...spontaneous, ...spontaneous]),
    },
  ];
}

/** The share of `draws` drawn challenges the recording passes. */
export function replayPassRate(
  recording: Recording,
  settings: LivenessSettings,
  random: () => number,
  draws: number,
): { passed: number; rate: number } {
  const draw = (n: number) => Math.floor(random() * n);
  let passed = 0;
  for (let i = 0; i < draws; i++) {
    const challenge: Challenge = drawChallenge(`replay-${i}`, settings, draw);
    const offset = Math.round(random() * 300);
    const frames = recording.frames.map((entry) => ({ ...entry, t: entry.t + offset }));
    if (judgeTrace(challenge, settings, frames).status === 'passed') passed++;
  }
  return { passed, rate: passed / draws };
}

/**
 * Replays a session allows: every liveness attempt, plus those a no-match gives back, less one per round the attacker must
 * pass live to get it.
 */
export function replaysPerSession(livenessAttempts: number, matchAttempts: number): number {
  return livenessAttempts * matchAttempts - (matchAttempts - 1);
}
