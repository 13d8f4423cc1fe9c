// npm run bench -- signoff [--tokens N] [--approvals N]
//
// Officer sign-off (issue 15). Writes bench/results/signoff.json.
//
// - payload_bytes, qr_version: the largest sign-off token (COSE_Sign1
//   bytes) among N freshly signed ones, with the evidence values that make
//   the claims longest (a NIK ending 9999, distances above 255), and the QR
//   version of its text at level Q. Goals: ≤ 144 bytes, version ≤ 10.
// - sign_and_render_ms_p95: on the booth's side, in its core's Node: the
//   claims encoded, signed with the booth's Ed25519 key (node:crypto), put
//   in Base45 text and drawn as a QR symbol (the path the screen paints).
//   Goal ≤ 30 ms.
// - verify_ms_p95: the officer console's check of a scanned token, run in
//   Debian's Chromium on the same code the console bundles
//   (src/shared/signoff/token.ts, bundled here with esbuild): prefix,
//   Base45, COSE, Ed25519 with @noble/curves, claims, time, replay.
// - approval_to_booth_ms_p95: the online path, from the officer's POST of
//   an approval to the upstream (reference upstream on PGlite, real HTTP
//   on 127.0.0.1) to the booth's session at done: the booth's signed
//   long-poll answers, the decision is checked, stored as a sealed record in
//   the booth's vault, and the journey moves. Goal ≤ 1,000 ms.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { createLogger } from '../src/core/logging';
import { boothKid, createSignoffStep, issueSignoffToken, qrSymbol } from '../src/core/signoff';
import { CitizenSession } from '../src/core/session';
import { ed25519FromSeed, openVault, vaultSetup, type SavedEnrollment } from '../src/core/vault';
import { createSyncEngine } from '../src/core/sync';
import { MAX_TOKEN_BYTES } from '../src/shared/signoff/token';
import { Officers } from '../src/upstream/officers';
import { BoothRegistry } from '../src/upstream/registry';
import { officerLogin } from '../test/support/officerClient';
import { startTestUpstream, testUpstreamDatabase, testUpstreamKeys } from '../test/support/upstream';
import { CHROMIUM, chromiumFlags } from '../test/support/browser';
import { percentile, round } from './support/stats';
import { createPublicKey } from 'node:crypto';
import { rawEd25519PublicKey } from '../src/core/vault';

const { values } = parseArgs({ options: { tokens: { type: 'string', default: '1000' }, approvals: { type: 'string', default: '40' } } });
const TOKENS = Number(values.tokens);
const APPROVALS = Number(values.approvals);
const root = resolve(import.meta.dirname, '..');
const signingKey = ed25519FromSeed(Buffer.alloc(32, 42));
const publicKey = createPublicKey(signingKey);
const kid = boothKid(publicKey);
const evidence = { chipAuthenticated: true, livenessPassed: true, matchDistance: 812, matchThreshold: 1100, quality: 100 };
const subject = (i: number) => ({
  enrollmentId: `019ad5c2-7f10-7a3b-8c4d-${(0x5e6f70819200 + i).toString(16).padStart(12, '0')}`,
  nik: '3171234567899999',
  nikDigestKey: new Uint8Array(16).fill(i & 0xff),
  evidence,
});

// 1. Size and the booth's sign + render.
let largest = 0;
let version = 0;
const signAndRender: number[] = [];
const tokens: string[] = [];
for (let i = 0; i < TOKENS + 100; i++) {
  const started = performance.now();
  const token = issueSignoffToken(subject(i), { signingKey, kid }, { nowMs: Date.now(), ttlSec: 180 });
  const symbol = qrSymbol(token.text);
  const ms = performance.now() - started;
  if (i < 100) continue; // warm-up
  signAndRender.push(ms);
  largest = Math.max(largest, token.bytes.length);
  version = Math.max(version, symbol.version);
  if (tokens.length < 200) tokens.push(token.text);
}

// 2. The console's check, in Chromium, on the bundled shared code.
const bundle = await build({
  stdin: {
    contents: `import { verifySignoffToken } from './src/shared/signoff/token'; window.verifySignoffToken = verifySignoffToken;`,
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  format: 'iife',
  platform: 'browser',
  write: false,
  minify: true,
});
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: chromiumFlags });
const page = await browser.newPage();
await page.setContent('<!doctype html><title>verify</title>');
await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
// The page's code as text: tsx would otherwise add its own helpers to a function handed to the page.
const verifyTimes = (await page.evaluate(`(async () => {
  const texts = ${JSON.stringify(tokens)};
  const publicKey = Uint8Array.from(atob(${JSON.stringify(rawEd25519PublicKey(publicKey).toString('base64'))}), (c) => c.charCodeAt(0));
  const kidHex = ${JSON.stringify(Buffer.from(kid).toString('hex'))};
  const options = { keysFor: (id) => (id === kidHex ? [{ boothId: 'B', publicKey, revoked: false }] : []), now: Date.now(), seen: () => false };
  const times = [];
  for (let round = 0; round < 3; round++)
    for (const text of texts) {
      const started = performance.now();
      const verdict = await window.verifySignoffToken(text, options);
      if (!verdict.ok) throw new Error('a token did not verify: ' + verdict.reason);
      if (round > 0) times.push(performance.now() - started);
    }
  return times;
})()`)) as number[];
await browser.close();

// 3. Approval to the booth's done, online.
const work = mkdtempSync(join(tmpdir(), 'bench-signoff-'));
const database = await testUpstreamDatabase('pglite');
const officers = new Officers(database.db, testUpstreamKeys, { passwordCost: { N: 2 ** 10, r: 8, p: 1 } });
const upstream = await startTestUpstream('pglite', { db: database.db, officers, registration: 'closed' });
await officers.add('bench', 'Bench Officer', 'correct horse battery');
const officer = await officerLogin(upstream.url, 'bench', 'correct horse battery');
const logger = createLogger({ level: 'silent' });
const setup = vaultSetup({
  dir: join(work, 'vault'),
  keys: { provider: 'development', passphrase: 'bench-signoff-passphrase' },
  upstreamKey: { id: testUpstreamKeys.sealingKeyId, publicKey: testUpstreamKeys.sealingPublicKey, demo: false },
  minFreeMb: 1,
  retentionDays: 1,
});
if ('problem' in setup) throw new Error(setup.problem);
const vault = await openVault({ ...setup, boothId: 'BENCH-SIGNOFF', logger });
await new BoothRegistry(upstream.db).register(
  'BENCH-SIGNOFF',
  rawEd25519PublicKey(vault.boothPublicKey!).toString('base64url'),
  'operator',
);
const engine = await createSyncEngine({
  writer: vault.writer!,
  boothId: 'BENCH-SIGNOFF',
  signingKey: vault.requestSigningKey!,
  upstreamUrl: upstream.url,
  upstreamSigningKey: testUpstreamKeys.signingPublicKey,
  sealingKey: { id: testUpstreamKeys.sealingKeyId, publicKey: testUpstreamKeys.sealingPublicKey },
  batchSize: 25,
  backoff: { baseMs: 200, capMs: 2_000 },
  heartbeatMs: 60_000,
  requestTimeoutMs: 30_000,
  retentionMs: 86_400_000,
  register: false,
  softwareVersion: 'bench',
  facts: async () => ({ disk: { freeBytes: null }, software: { version: 'bench', models: {} }, selfTest: { state: 'none', detail: null } }),
  logger,
});
let reachedDone: (() => void) | null = null;
const session = new CitizenSession({ expirySec: 600, onChange: (snapshot) => snapshot?.step === 'done' && reachedDone?.() });
// The card and face steps are not part of this measure: one part stands in for their snapshot fields.
session.attach({
  snapshot: () => ({ cardAttemptsLeft: 3, faceAttemptsLeft: 3, faceCaptured: false, faceMatchesLeft: 2 }),
  wipe: () => undefined,
});
let saved: SavedEnrollment | null = null;
const step = createSignoffStep({
  session,
  logger,
  vault: Promise.resolve(vault),
  saved: () => saved,
  tokenTtlSec: 180,
  camera: null,
  upstreamKey: new Uint8Array(Buffer.from(testUpstreamKeys.signingPublicKey, 'base64url')),
  decisions: Promise.resolve(engine),
});
const approvals: number[] = [];
for (let i = 0; i < APPROVALS + 3; i++) {
  session.start('en');
  for (const event of [
    { type: 'chooseLanguage', language: 'en' },
    { type: 'acceptConsent' },
    { type: 'cardRead', chip: { name: 'BENCH', nik: '3171234567899999' } },
    { type: 'cardConfirmed' },
    { type: 'emailAccepted', email: 'bench@example.org' },
    { type: 'phoneAccepted', phone: '+6281234567890' },
    { type: 'confirmReview' },
    { type: 'faceVerified' },
    { type: 'saved' },
  ] as const)
    session.advance(event);
  saved = { ...subject(100_000 + i), enrollmentId: crypto.randomUUID() };
  const shown = await step.handlers['signoff.request']();
  if (!shown.ok) throw new Error(shown.error.message);
  // The booth's long-poll is waiting at the upstream before the officer decides, as it would be.
  await new Promise((resolveWait) => setTimeout(resolveWait, 300));
  const done = new Promise<void>((resolveDone) => (reachedDone = resolveDone));
  const started = performance.now();
  const answer = await officer.call('POST', '/console/api/decisions', { token: shown.value.text, decision: 'approve' });
  if (answer.status !== 201) throw new Error(`the decision was refused: ${JSON.stringify(answer.body)}`);
  await done;
  if (i >= 3) approvals.push(performance.now() - started);
}
step.dispose();
await engine.stop();
await vault.stop();
await upstream.close();
await database.release();
rmSync(work, { recursive: true, force: true });

const results = {
  payload_bytes: largest,
  payload_limit_bytes: MAX_TOKEN_BYTES,
  qr_version: version,
  qr_error_correction: 'Q',
  sign_and_render_ms_p50: round(percentile(signAndRender, 0.5), 3),
  sign_and_render_ms_p95: round(percentile(signAndRender, 0.95), 3),
  verify_ms_p50: round(percentile(verifyTimes, 0.5), 3),
  verify_ms_p95: round(percentile(verifyTimes, 0.95), 3),
  approval_to_booth_ms_p50: round(percentile(approvals, 0.5), 1),
  approval_to_booth_ms_p95: round(percentile(approvals, 0.95), 1),
  tokens: TOKENS,
  verifications: verifyTimes.length,
  approvals: approvals.length,
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown' },
};
console.log(
  [
    `sign-off token: ${results.payload_bytes} bytes at most (limit ${MAX_TOKEN_BYTES}), QR version ${results.qr_version}-Q`,
    `booth sign + render: p50 ${results.sign_and_render_ms_p50} ms, p95 ${results.sign_and_render_ms_p95} ms (${TOKENS} tokens)`,
    `console verify in Chromium: p50 ${results.verify_ms_p50} ms, p95 ${results.verify_ms_p95} ms (${verifyTimes.length} checks)`,
    `approval to the booth's done (online): p50 ${results.approval_to_booth_ms_p50} ms, p95 ${results.approval_to_booth_ms_p95} ms (${approvals.length} approvals)`,
  ].join('\n'),
);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/signoff.json'), `${JSON.stringify(results, null, 2)}\n`);
process.exit(0);
