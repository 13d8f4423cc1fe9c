// Replayed recordings against the liveness challenge: fixed recordings (a
// genuine citizen's answer to a drawn challenge, a cycle through every
// action, constant blinking with turns) replayed through the judge against
// many challenges drawn as the core draws them. The booth's goal: a fixed
// recording passes a whole session with probability ≤ 1 %. The figures are
// printed; the bench (npm run bench -- liveness-replay) gives them per
// recording.
import { describe, expect, it } from 'vitest';
import { upperBound95 } from '../../src/core/face/calibration';
import { drawChallenge, judgeTrace, livenessSettingsSchema } from '../../src/shared/face/liveness';
import { matchSettingsSchema } from '../../src/shared/face/settings';
import { answer } from '../support/livenessTrace';
import { replayPassRate, replayRecordings, replaysPerSession } from '../support/livenessReplay';
import { seededRandom } from '../support/seededRandom';

const settings = livenessSettingsSchema.parse({});
const RECORDINGS = 40;
const DRAWS = 500;

describe('replayed recordings against drawn challenges', () => {
  it('a genuine citizen answering the challenge drawn for them passes it', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 200; i++) {
      const challenge = drawChallenge(`own-${i}`, settings, (n) => Math.floor(random() * n));
      expect(judgeTrace(challenge, settings, answer(challenge)).status, challenge.steps.join(',')).toBe('passed');
    }
  });

  it('a fixed recording passes at most 1 % of sessions (95 % upper bound), with the replays a session allows', () => {
    const random = seededRandom(20261201);
    const recordings = replayRecordings(settings, random, RECORDINGS);
    let passed = 0;
    let worst = { name: '', rate: 0 };
    for (const recording of recordings) {
      const result = replayPassRate(recording, settings, random, DRAWS);
      passed += result.passed;
      if (result.rate > worst.rate) worst = { name: recording.name, rate: result.rate };
    }
    const trials = recordings.length * DRAWS;
    const perChallenge = passed / trials;
    const bound = upperBound95(passed, trials);
    const replays = replaysPerSession(settings.attempts, matchSettingsSchema.parse({}).attempts);
    const sessionBound = 1 - (1 - bound) ** replays;
    console.log(
      `replay: ${passed} of ${trials} replays passed (${(perChallenge * 100).toFixed(3)} % per challenge, 95 % upper bound ` +
        `${(bound * 100).toFixed(3)} %); with ${replays} replays a session: at most ${(sessionBound * 100).toFixed(2)} % of sessions; ` +
        `the luckiest recording passed ${(worst.rate * 100).toFixed(1)} % (${worst.name || 'none'})`,
    );
    expect(sessionBound).toBeLessThanOrEqual(0.01);
    // Today's challenge is 27 sequences × 27 timings: a perfectly timed recording would pass 1 in 729.
    expect(worst.rate).toBeLessThan(0.02);
  });
});
