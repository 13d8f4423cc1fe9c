// npm run bench -- liveness-replay [--draws N]
//
// How often a fixed recording passes the liveness challenge: recordings a
// presentation attacker could play to the camera (ISO/IEC 30107-3: a replay
// attack), each replayed through the same judge the screen and the core run
// (src/shared/face/liveness.ts) against N challenges drawn as the core
// draws them, each replay started at a random moment of the challenge's
// first 3 s (the attacker cannot start it on the challenge's exact frame).
//
// - pass_rate: the share of challenges the recording passes;
// - session_pass_rate: the chance it passes at least one challenge of a
//   session, with `replays_per_session` tries: the liveness attempts
//   (face.liveness.attempts), plus those a no-match gives back, less one per
//   match round the attacker must pass live himself to get the no-match.
//
// The recordings (30 frames a second, a citizen's pace):
// - answer-<a>-<b>-<c>: a genuine response to one challenge, replayed (one
//   recording per sequence a challenge can ask for);
// - cycling: eyes closed, turn left, eyes closed, turn right, … for the
//   whole time a challenge allows;
// - blinking-turns: spontaneous blinks throughout, with a turn left then a
//   turn right.
// Writes bench/results/liveness-replay.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { drawChallenge, judgeTrace, livenessActions, livenessSettingsSchema, type LivenessAction } from '../src/shared/face/liveness';
import { matchSettingsSchema } from '../src/shared/face/settings';
import { blinkSegments, spontaneousBlink, trace, turnSegments, type Segment } from '../test/support/livenessTrace';
import { seededRandom } from '../test/support/seededRandom';
import { round } from './support/stats';

const root = resolve(import.meta.dirname, '..');
const drawsArg = process.argv.indexOf('--draws');
const DRAWS = drawsArg > 0 ? Number(process.argv[drawsArg + 1]) : 5000;
if (!Number.isInteger(DRAWS) || DRAWS < 100 || DRAWS > 1_000_000) {
  console.error('Usage: npm run bench -- liveness-replay [--draws N]   (N from 100 to 1000000, default 5000)');
  process.exit(2);
}

const settings = livenessSettingsSchema.parse({});
const matchAttempts = matchSettingsSchema.parse({}).attempts;
/** Per match round the attacker has `attempts` challenges; in each round but the last he must pass one live to get a no-match. */
const replaysPerSession = settings.attempts * matchAttempts - (matchAttempts - 1);

const segmentsOf = (action: LivenessAction): Segment[] =>
  action === 'blink' ? blinkSegments : turnSegments(action === 'turnLeft' ? 28 : -28);

/** Every sequence of `length` actions a challenge can ask for. */
function sequences(length: number): LivenessAction[][] {
  if (length === 0) return [[]];
  return sequences(length - 1).flatMap((rest) => livenessActions.map((action) => [...rest, action]));
}

const recordings: Array<{ name: string; segments: Segment[] }> = [
  ...sequences(settings.steps).map((order) => ({
    name: `answer-${order.join('-')}`,
    segments: [{ ms: 500 }, ...order.flatMap(segmentsOf), { ms: 1500 }],
  })),
  {
    name: 'cycling',
    segments: Array.from({ length: 12 }, (_, i) => segmentsOf((['blink', 'turnLeft', 'blink', 'turnRight'] as const)[i % 4]!)).flat(),
  },
  {
    name: 'blinking-turns',
    segments: [
      ...Array.from({ length: 4 }, () => spontaneousBlink).flat(),
      ...turnSegments(28),
      ...Array.from({ length: 4 }, () => spontaneousBlink).flat(),
      ...turnSegments(-28),
      ...Array.from({ length: 4 }, () => spontaneousBlink).flat(),
    ],
  },
];

const random = seededRandom(20261201);
const results = recordings.map(({ name, segments }) => {
  let passed = 0;
  for (let i = 0; i < DRAWS; i++) {
    const challenge = drawChallenge(`replay-${i}`, settings, (n) => Math.floor(random() * n));
    const offset = Math.round(random() * 3000);
    const state = judgeTrace(challenge, settings, trace([{ ms: offset }, ...segments]));
    if (state.status === 'passed') passed++;
  }
  const rate = passed / DRAWS;
  return { name, pass_rate: round(rate, 4), session_pass_rate: round(1 - (1 - rate) ** replaysPerSession, 4) };
});

const worst = results.reduce((a, b) => (b.session_pass_rate > a.session_pass_rate ? b : a));
const result = {
  draws: DRAWS,
  challenge: { steps: settings.steps, kinds: livenessActions.length, sequences: sequences(settings.steps).length },
  replays_per_session: replaysPerSession,
  recordings: results,
  worst_recording: worst.name,
  worst_session_pass_rate: worst.session_pass_rate,
  goal: { worst_session_pass_rate: 0.01 },
};
console.log(
  [
    `liveness-replay: ${DRAWS} drawn challenges per recording (${settings.steps} steps from ${livenessActions.length} actions), ` +
      `${replaysPerSession} replays per session`,
    ...[...results]
      .sort((a, b) => b.pass_rate - a.pass_rate)
      .slice(0, 6)
      .map(
        (r) =>
          `  ${r.name.padEnd(34)} passes ${(r.pass_rate * 100).toFixed(1).padStart(5)} % of challenges, ` +
          `${(r.session_pass_rate * 100).toFixed(1).padStart(5)} % of sessions`,
      ),
    `  (the ${results.length - 6} other recordings pass less)`,
    `  worst: ${worst.name}, ${(worst.session_pass_rate * 100).toFixed(1)} % of sessions (goal ≤ 1 %)`,
  ].join('\n'),
);
mkdirSync(resolve(root, 'bench/results'), { recursive: true });
writeFileSync(resolve(root, 'bench/results/liveness-replay.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log('wrote bench/results/liveness-replay.json');
