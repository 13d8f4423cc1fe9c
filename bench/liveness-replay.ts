// npm run bench -- liveness-replay [--draws N] [--recordings N]
//
// How often a fixed recording passes the liveness challenge: recordings a
// presentation attacker could play to the camera (ISO/IEC 30107-3: a replay
// attack), each replayed through the same judge the screen and the core run
// (src/shared/face/liveness.ts) against N challenges drawn as the core
// draws them (test/support/livenessReplay.ts): a genuine citizen's answer to
// each of R drawn challenges (right actions at the right moments, for that
// one), a cycle through every action, and constant blinking with turns.
//
// - pass_rate: the share of all replays that passed, and its 95 % upper
//   bound (Clopper-Pearson);
// - session_pass_rate: the chance a recording passes at least one challenge
//   of a session, with `replays_per_session` tries (the liveness attempts,
//   plus those a no-match gives back, less one per match round the attacker
//   must pass live himself), from the upper bound.
// Writes bench/results/liveness-replay.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { upperBound95 } from '../src/core/face/calibration';
import { livenessActions, livenessSettingsSchema } from '../src/shared/face/liveness';
import { matchSettingsSchema } from '../src/shared/face/settings';
import { replayPassRate, replayRecordings, replaysPerSession } from '../test/support/livenessReplay';
import { seededRandom } from '../test/support/seededRandom';
import { round } from './support/stats';

const root = resolve(import.meta.dirname, '..');
const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const DRAWS = arg('--draws', 2000);
const RECORDINGS = arg('--recordings', 60);
if (![DRAWS, RECORDINGS].every((n) => Number.isInteger(n) && n >= 10 && n <= 1_000_000)) {
  console.error('Usage: npm run bench -- liveness-replay [--draws N] [--recordings N]   (10 to 1000000; defaults 2000 and 60)');
  process.exit(2);
}

const settings = livenessSettingsSchema.parse({});
const replays = replaysPerSession(settings.attempts, matchSettingsSchema.parse({}).attempts);
const random = seededRandom(20261201);
const started = performance.now();
const results = replayRecordings(settings, random, RECORDINGS).map((recording) => ({
  name: recording.name,
  ...replayPassRate(recording, settings, random, DRAWS),
}));
const trials = results.length * DRAWS;
const passed = results.reduce((sum, r) => sum + r.passed, 0);
const bound = upperBound95(passed, trials);
const sessionBound = 1 - (1 - bound) ** replays;
const sequences = livenessActions.length ** settings.steps;
const timings = settings.pausesMs.length ** settings.steps;
const named = (name: string) => results.find((r) => r.name === name)!;
const result = {
  draws_per_recording: DRAWS,
  recordings: results.length,
  challenge: { steps: settings.steps, sequences, timings, pauses_ms: settings.pausesMs, reach_within_ms: settings.stepTimeoutMs },
  replays: trials,
  passed,
  pass_rate: round(passed / trials, 5),
  pass_rate_upper_95: round(bound, 5),
  replays_per_session: replays,
  session_pass_rate_upper_95: round(sessionBound, 4),
  luckiest_recording: [...results].sort((a, b) => b.rate - a.rate)[0]!.name,
  luckiest_pass_rate: round(Math.max(...results.map((r) => r.rate)), 4),
  cycling_pass_rate: named('cycling').rate,
  blinking_turns_pass_rate: named('blinking-turns').rate,
  goal: { session_pass_rate_upper_95: 0.01 },
};
console.log(
  [
    `liveness-replay: ${results.length} fixed recordings × ${DRAWS} drawn challenges (${sequences} sequences × ${timings} timings), ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s`,
    `  ${passed} of ${trials} replays passed: ${(result.pass_rate * 100).toFixed(3)} % (95 % upper bound ${(bound * 100).toFixed(3)} %; ` +
      `a perfectly timed recording: 1 in ${sequences * timings})`,
    `  luckiest recording ${result.luckiest_recording}: ${(result.luckiest_pass_rate * 100).toFixed(2)} %; ` +
      `cycling ${(result.cycling_pass_rate * 100).toFixed(2)} %, blinking with turns ${(result.blinking_turns_pass_rate * 100).toFixed(2)} %`,
    `  per session (${replays} replays): at most ${(sessionBound * 100).toFixed(2)} % (goal ≤ 1 %)`,
  ].join('\n'),
);
mkdirSync(resolve(root, 'bench/results'), { recursive: true });
writeFileSync(resolve(root, 'bench/results/liveness-replay.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log('wrote bench/results/liveness-replay.json');
