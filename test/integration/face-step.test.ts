// The face step through the contract: settings, random challenges with a
// bounded number of attempts, and captures the core accepts only after
// replaying their liveness trace and checking every picture. Reached through
// the real card step (serial emulator on a pseudo-terminal).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { composeBooth } from '../../src/core/booth/compose';
import type { BoothConfigInput } from '../../src/core/config';
import { LANDMARKER_FILE, modelManifest, verifyModels, type VerifiedModels } from '../../src/core/face/models';
import type { FaceCaptureParams } from '../../src/shared/contract/faceSchemas';
import { encodeCallFrame, MAX_BINARY_CALL_BYTES } from '../../src/shared/contract/frames';
import { CONTRACT_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../src/shared/contract/websocket';
import type { LivenessAction } from '../../src/shared/face/liveness';
import { startHost } from '../../src/host/server';
import { inProcessCore } from '../../src/core/process';
import { inProcessBooth } from '../support/inProcess';
import { ManualClock } from '../support/manualClock';
import { createBoothClient } from '../../src/shared/contract/client';
import { createDispatcher } from '../../src/shared/contract/dispatch';
import { KEEPALIVE_INTERVAL_SEC, type WipeReason } from '../../src/shared/contract/schemas';
import { rendererDir, startTestBooth } from '../support/host';
import { answer, trace, withQuickLiveness } from '../support/livenessTrace';
import { encodeJpeg } from '../support/testImages';
import { pictureTimes } from '../support/videoCapture';
import { walkTo } from '../support/walkTo';

const verified: VerifiedModels = { ok: true, files: new Map([[LANDMARKER_FILE, Buffer.from('model')]]) };
const opened: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
});

async function atFaceStep(config: BoothConfigInput = {}, models: VerifiedModels = verified) {
  const booth = await inProcessBooth(
    withQuickLiveness({ devices: { card: { driver: 'emulated-serial', identity: 0, baudRate: 921600 } }, ...config }),
    models,
  );
  opened.push(() => booth.booth.dispose());
  // Typed details, the simulated card read and confirmed: the session is at the face step.
  await walkTo(booth.client, 'face');
  return booth;
}

/** The real core behind the real dispatcher (contract schemas checked), its session on a hand-driven clock. */
async function boothOnClock(config: BoothConfigInput) {
  const clock = new ManualClock();
  const composed = await composeBooth({
    config: withQuickLiveness({
      logging: { level: 'silent' },
      devices: { card: { driver: 'emulated-serial', identity: 0, baudRate: 921600 } },
      ...config,
    }),
    version: 't',
    clock,
    faceModels: verified,
  });
  opened.push(() => composed.booth.dispose());
  const dispatch = createDispatcher(composed.booth.handlers);
  let id = 0;
  const wipes: WipeReason[] = [];
  const client = createBoothClient({
    call: async (method, params) => (await dispatch({ type: 'call', id: id++, method, params })).result,
    subscribe: (listener) => composed.booth.events.subscribe((event, payload) => listener(event, payload)),
  });
  composed.booth.events.subscribe((event, payload) => event === 'session.wiped' && wipes.push((payload as { reason: WipeReason }).reason));
  return { clock, client, wipes };
}

/** GET a path exactly as written (no URL normalisation), answering the status code. */
function rawStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { Host: `127.0.0.1:${port}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

const grey = (width: number, height: number) => new Uint8Array(encodeJpeg(new Uint8Array(width * height * 3).fill(128), width, height, 80));

/**
 * A capture answering `steps` (grey pictures: without a matcher the core checks sizes and times, not faces), its pictures
 * timed as the screen times them: each action picture at the frame that completed its step, the crops after the pass.
 */
function capture(challengeId: string, steps: readonly LivenessAction[], extra: Partial<FaceCaptureParams> = {}): FaceCaptureParams {
  const answered = answer(steps);
  const times = pictureTimes(answered, { id: challengeId, steps: [...steps], stepTimeoutMs: 11_000 });
  return {
    challengeId,
    trace: answered,
    frames: [80, 70, 60].map((score, i) => ({ jpeg: grey(320, 320), width: 320, height: 320, score, t: times.frames[i]! })),
    actions: steps.map((action, i) => ({ jpeg: grey(320, 320), width: 320, height: 320, action, t: times.actions[i]! })),
    still: { jpeg: grey(640, 480), width: 640, height: 480 },
    ...extra,
  };
}

describe('face step', () => {
  it('accepts a capture whose trace answers the issued challenge, keeps it in the core only, and zeroes it once the citizen is referred', async () => {
    const { client, booth, logs } = await atFaceStep();
    const setup = await client.face.setup();
    expect(setup).toMatchObject({
      ok: true,
      value: { camera: { width: 640, height: 480, mirror: true }, modelUrl: 'models/face_landmarker.task', attemptsLeft: 3 },
    });
    const begun = await client.face.beginChallenge();
    if (!begun.ok) throw new Error(begun.error.message);
    expect(begun.value.challenge.steps).toHaveLength(3);
    expect(begun.value.attemptsLeft).toBe(2);
    // The briefing and the positioning take what they take: the challenge's clock starts when the screen starts it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await client.face.startChallenge({ challengeId: begun.value.challenge.id })).toEqual({ ok: true, value: {} });
    expect(await client.face.startChallenge({ challengeId: begun.value.challenge.id })).toMatchObject({
      ok: false,
      error: { code: 'FACE_FAILED', reason: 'CHALLENGE_UNKNOWN' },
    });
    // The trace lasts a few seconds: the core refuses one that claims more time than has passed.
    await new Promise((resolve) => setTimeout(resolve, answer(begun.value.challenge.steps).at(-1)!.t));
    const params = capture(begun.value.challenge.id, begun.value.challenge.steps);
    const result = await client.face.submitCapture(params);
    expect(result).toMatchObject({ ok: true, value: { step: 'face', faceCaptured: true } });
    const kept = booth.steps.face.part.capture!;
    expect(kept.frames.map((f) => f.score)).toEqual([80, 70, 60]);
    expect(kept.evidence.map((e) => e.action)).toEqual(begun.value.challenge.steps);
    expect(logs.join('')).toMatch(/"event":"face.captured".*"keptFrames":\[\{"score":[0-9.]+,"bytes":[0-9]+\}/);
    // Matching is the next capability: the core says so plainly, and refers the citizen to the service desk.
    const still = kept.still.jpeg;
    expect(await client.face.verify()).toMatchObject({ ok: false, error: { code: 'STEP_UNAVAILABLE' } });
    expect(await client.session.get()).toMatchObject({
      ok: true,
      value: { step: 'referred', referral: { reason: 'face-match-unavailable' }, faceCaptured: false },
    });
    // The pictures are of no more use: zeroed at the referral, not only at the wipe.
    expect(booth.steps.face.part.capture).toBeNull();
    expect(still.every((byte) => byte === 0)).toBe(true);
    booth.session.wipe('finished');
  });

  it('refuses a replay, a trace for another order, a trace longer than the challenge has existed, and a picture that is not what it claims', async () => {
    const { client } = await atFaceStep({ face: { liveness: { fixedOrder: ['turnLeft', 'blink', 'turnRight'] } } });
    const first = await client.face.beginChallenge();
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value.challenge.steps).toEqual(['turnLeft', 'blink', 'turnRight']);
    await client.face.startChallenge({ challengeId: first.value.challenge.id });
    // Claims 4 s of frames a moment after the challenge was issued.
    expect(await client.face.submitCapture(capture(first.value.challenge.id, first.value.challenge.steps))).toMatchObject({
      ok: false,
      error: { code: 'FACE_FAILED', reason: 'LIVENESS_BAD_TRACE' },
    });
    // The challenge is used up by that answer.
    expect(await client.face.submitCapture(capture(first.value.challenge.id, first.value.challenge.steps))).toMatchObject({
      ok: false,
      error: { reason: 'CHALLENGE_UNKNOWN' },
    });

    const second = await client.face.beginChallenge();
    if (!second.ok) throw new Error(second.error.message);
    await client.face.startChallenge({ challengeId: second.value.challenge.id });
    await new Promise((resolve) => setTimeout(resolve, 4200));
    expect(await client.face.submitCapture(capture(second.value.challenge.id, ['turnRight', 'blink', 'turnLeft']))).toMatchObject({
      ok: false,
      error: { reason: 'LIVENESS_WRONG_DIRECTION' },
    });

    const third = await client.face.beginChallenge();
    if (!third.ok) throw new Error(third.error.message);
    expect(third.value.attemptsLeft).toBe(0);
    await client.face.startChallenge({ challengeId: third.value.challenge.id });
    await new Promise((resolve) => setTimeout(resolve, 4200));
    const lying = capture(third.value.challenge.id, third.value.challenge.steps, {
      still: { jpeg: grey(320, 240), width: 640, height: 480 },
    });
    expect(await client.face.submitCapture(lying)).toMatchObject({ ok: false, error: { code: 'FACE_FAILED', reason: 'BAD_IMAGE' } });
    // Refused pictures are zeroed at once, not left for the garbage collector.
    expect([...lying.frames.map((f) => f.jpeg), lying.still.jpeg].every((jpeg) => jpeg.every((byte) => byte === 0))).toBe(true);
    // That was the last attempt: the core ends the journey at the service desk, and no challenge follows.
    expect(await client.session.get()).toMatchObject({ ok: true, value: { step: 'referred', referral: { reason: 'face-failed' } } });
    expect(await client.face.beginChallenge()).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } });
  }, 20_000);

  it('refuses a capture with fewer crops than the booth asks for (face.capture.bestFrames), or crops of another size', async () => {
    const { client } = await atFaceStep();
    const begun = await client.face.beginChallenge();
    if (!begun.ok) throw new Error(begun.error.message);
    await client.face.startChallenge({ challengeId: begun.value.challenge.id });
    await new Promise((resolve) => setTimeout(resolve, answer(begun.value.challenge.steps).at(-1)!.t));
    const params = capture(begun.value.challenge.id, begun.value.challenge.steps);
    params.frames.splice(1);
    expect(await client.face.submitCapture(params)).toMatchObject({
      ok: false,
      error: { code: 'FACE_FAILED', reason: 'BAD_IMAGE', message: '1 face crops were sent; this booth asks for 3.' },
    });
    // Nor crops of another size than the screen draws (face.capture.cropSize): a forged 4000-pixel crop is never decoded.
    const next = await client.face.beginChallenge();
    if (!next.ok) throw new Error(next.error.message);
    await client.face.startChallenge({ challengeId: next.value.challenge.id });
    await new Promise((resolve) => setTimeout(resolve, answer(next.value.challenge.steps).at(-1)!.t));
    const large = capture(next.value.challenge.id, next.value.challenge.steps);
    large.frames[0] = { ...large.frames[0]!, jpeg: grey(640, 640), width: 640, height: 640 };
    expect(await client.face.submitCapture(large)).toMatchObject({
      ok: false,
      error: { code: 'FACE_FAILED', reason: 'BAD_IMAGE', message: "Frame 0 is 640 × 640; this booth's crops are 320 × 320." },
    });
  });

  it('refuses action pictures that do not fit the trace (count, order, time) and crops taken before the pass (BAD_EVIDENCE)', async () => {
    const { client, logs } = await atFaceStep({ face: { liveness: { attempts: 6 } } });
    const forged: Array<[string, (p: FaceCaptureParams) => void, RegExp]> = [
      ['one action picture missing', (p) => p.actions.pop(), /2 action pictures were sent for a challenge of 3 actions/],
      ['two swapped', (p) => p.actions.reverse(), /Action picture 0 claims/],
      ['taken at no frame of the trace', (p) => (p.actions[1]!.t += 1), /Action picture 1 \(t = \d+ ms\) matches no frame/],
      ['taken before its step', (p) => (p.actions[2]!.t = p.trace[0]!.t), /Action picture 2 .* was not taken during its step/],
      ['a crop taken during the challenge', (p) => (p.frames[0]!.t = p.actions[0]!.t), /Crop 0 .* before the challenge was passed/],
      ['two crops of one moment', (p) => (p.frames[1]!.t = p.frames[0]!.t), /Crops share one moment/],
    ];
    for (const [what, forge, message] of forged) {
      const begun = await client.face.beginChallenge();
      if (!begun.ok) throw new Error(begun.error.message);
      await client.face.startChallenge({ challengeId: begun.value.challenge.id });
      await new Promise((resolve) => setTimeout(resolve, answer(begun.value.challenge.steps).at(-1)!.t));
      const params = capture(begun.value.challenge.id, begun.value.challenge.steps);
      forge(params);
      const result = await client.face.submitCapture(params);
      expect(result, what).toMatchObject({ ok: false, error: { code: 'FACE_FAILED', reason: 'BAD_EVIDENCE', message } });
      expect(params.actions.every((a) => a.jpeg.every((byte) => byte === 0))).toBe(true);
    }
    expect(logs.join('')).toMatch(/"event":"face.capture_refused".*pictures do not fit the trace/);
  }, 30_000);

  it('refuses an invented trace whose actions follow each other faster than a person moves (LIVENESS_TOO_FAST)', async () => {
    const { client } = await atFaceStep({ face: { liveness: { fixedOrder: ['blink', 'turnLeft', 'turnRight'] } } });
    const begun = await client.face.beginChallenge();
    if (!begun.ok) throw new Error(begun.error.message);
    await client.face.startChallenge({ challengeId: begun.value.challenge.id });
    // The review's forged call: the actions one straight after another, each just past the judge's thresholds.
    const invented = trace([
      { ms: 300 },
      { ms: 633, openness: 0.05 },
      { ms: 66 },
      { ms: 166, yaw: 28 },
      { ms: 66 },
      { ms: 166, yaw: -28 },
      { ms: 600 },
    ]);
    await new Promise((resolve) => setTimeout(resolve, invented.at(-1)!.t));
    const params = capture(begun.value.challenge.id, begun.value.challenge.steps, { trace: invented });
    expect(await client.face.submitCapture(params)).toMatchObject({
      ok: false,
      error: { code: 'FACE_FAILED', reason: 'LIVENESS_TOO_FAST' },
    });
  });

  it('hears of each attempt the screen failed, and refers the citizen after the last (face-failed)', async () => {
    const { client, logs } = await atFaceStep();
    for (const attemptsLeft of [2, 1]) {
      const begun = await client.face.beginChallenge();
      if (!begun.ok) throw new Error(begun.error.message);
      expect(await client.face.attemptFailed({ challengeId: 'not-the-one-in-play', reason: 'FACE_LOST' })).toMatchObject({
        ok: false,
        error: { code: 'FACE_FAILED', reason: 'CHALLENGE_UNKNOWN' },
      });
      expect(await client.face.attemptFailed({ challengeId: begun.value.challenge.id, reason: 'NO_MOTION' })).toMatchObject({
        ok: true,
        value: { step: 'face', faceAttemptsLeft: attemptsLeft },
      });
      // The challenge is void: a capture can no longer answer it.
      const late = await client.face.submitCapture(capture(begun.value.challenge.id, begun.value.challenge.steps));
      expect(late).toMatchObject({ ok: false, error: { reason: 'CHALLENGE_UNKNOWN' } });
    }
    const last = await client.face.beginChallenge();
    if (!last.ok) throw new Error(last.error.message);
    expect(await client.face.attemptFailed({ challengeId: last.value.challenge.id, reason: 'CAMERA_STALLED' })).toMatchObject({
      ok: true,
      value: { step: 'referred', referral: { reason: 'face-failed' }, faceAttemptsLeft: 0 },
    });
    expect(logs.join('')).toMatch(/"event":"face.attempt_failed","reason":"CAMERA_STALLED","attemptsLeft":0/);
  });

  it('refers the citizen when the screen asks for a challenge after the last one (face-failed)', async () => {
    const { client } = await atFaceStep();
    for (let i = 0; i < 3; i++) expect(await client.face.beginChallenge()).toMatchObject({ ok: true });
    expect(await client.face.beginChallenge()).toMatchObject({ ok: false, error: { code: 'FACE_FAILED', reason: 'ATTEMPTS_EXHAUSTED' } });
    expect(await client.session.get()).toMatchObject({ ok: true, value: { step: 'referred', referral: { reason: 'face-failed' } } });
  });

  it("refers the citizen when the screen's camera or models cannot run (face-unavailable, with the problem)", async () => {
    const { client, logs, transport } = await atFaceStep();
    expect(await client.face.setup()).toMatchObject({ ok: true });
    expect(await client.face.reportProblem({ problem: 'CAMERA_DENIED' })).toMatchObject({
      ok: true,
      value: { step: 'referred', referral: { reason: 'face-unavailable', code: 'CAMERA_DENIED' } },
    });
    expect(logs.join('')).toContain('"event":"face.screen_problem","problem":"CAMERA_DENIED"');
    expect(await client.face.reportProblem({ problem: 'NO_CAMERA' })).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } });
    // Only the problems the screen can have are accepted.
    expect(await transport.call('face.reportProblem', { problem: 'BORED' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('refers the citizen at a sign-off with no stored enrollment to sign off (signoff-unavailable NO_ENROLLMENT)', async () => {
    const { client, booth } = await atFaceStep();
    // Moved on by hand past the match and the saving, so nothing was stored (test/integration/signoff walks the real way).
    expect(booth.session.advance({ type: 'faceVerified' })).toMatchObject({ ok: true, value: { step: 'saving' } });
    expect(booth.session.advance({ type: 'saved' })).toMatchObject({ ok: true, value: { step: 'signoff' } });
    expect(await client.signoff.request()).toMatchObject({ ok: false, error: { code: 'STEP_UNAVAILABLE', reason: 'NO_ENROLLMENT' } });
    expect(await client.session.get()).toMatchObject({
      ok: true,
      value: { step: 'referred', referral: { reason: 'signoff-unavailable', code: 'NO_ENROLLMENT' } },
    });
  });

  it('refuses a still picture (no motion) as the renderer would', async () => {
    const { client } = await atFaceStep({ face: { liveness: { stepTimeoutMs: 2000 } } });
    const begun = await client.face.beginChallenge();
    if (!begun.ok) throw new Error(begun.error.message);
    await client.face.startChallenge({ challengeId: begun.value.challenge.id });
    await new Promise((resolve) => setTimeout(resolve, 2600));
    const still = capture(begun.value.challenge.id, begun.value.challenge.steps, { trace: trace([{ ms: 2500 }], { jitter: false }) });
    expect(await client.face.submitCapture(still)).toMatchObject({ ok: false, error: { reason: 'LIVENESS_NO_MOTION' } });
  });

  it('is unavailable, with the reason, without a camera or without verified models', async () => {
    const noCamera = await atFaceStep({ devices: { card: { driver: 'emulated-serial', identity: 0, baudRate: 921600 }, camera: null } });
    expect(await noCamera.client.face.setup()).toMatchObject({ ok: false, error: { code: 'STEP_UNAVAILABLE', reason: 'NO_CAMERA' } });
    expect(await noCamera.client.booth.info()).toMatchObject({ ok: true, value: { capabilities: { face: false } } });
    // The step cannot run here: the citizen is referred, with the technician's code.
    expect(await noCamera.client.session.get()).toMatchObject({
      ok: true,
      value: { step: 'referred', referral: { reason: 'face-unavailable', code: 'NO_CAMERA' } },
    });
    const noModels = await atFaceStep(
      {},
      { ok: false, problems: [{ file: LANDMARKER_FILE, problem: 'missing', message: 'missing for the test' }] },
    );
    expect(await noModels.client.face.beginChallenge()).toMatchObject({
      ok: false,
      error: { code: 'STEP_UNAVAILABLE', reason: 'MODEL_MISSING' },
    });
    expect(await noModels.client.session.get()).toMatchObject({
      ok: true,
      value: { step: 'referred', referral: { reason: 'face-unavailable', code: 'MODEL_MISSING' } },
    });
  });

  it('refuses face calls outside the face step', async () => {
    const booth = await inProcessBooth({}, verified);
    opened.push(() => booth.booth.dispose());
    expect(await booth.client.face.setup()).toMatchObject({ ok: false, error: { code: 'NO_SESSION' } });
    await booth.client.session.start();
    expect(await booth.client.face.beginChallenge()).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } });
  });
});

describe('face step presence cap', () => {
  it('a face in view (keep-alives over the contract) holds the face step only up to face.presenceCapSec; challenges still extend it until they run out', async () => {
    const { clock, client, wipes } = await boothOnClock({ face: { presenceCapSec: 120 } });
    await walkTo(client, 'face');
    const expirySec = 60 + 30 + 20; // the default idle timeout, warning and grace
    /** The renderer's keep-alive every 10 s while a face is in view, for at most `sec` seconds. */
    const faceInView = async (sec: number) => {
      for (let elapsed = 0; elapsed < sec && wipes.length === 0; elapsed += KEEPALIVE_INTERVAL_SEC) {
        await client.session.keepAlive();
        clock.advance(KEEPALIVE_INTERVAL_SEC * 1000);
      }
    };
    await faceInView(100);
    expect(wipes).toEqual([]);
    // Two challenges near and past the cap: each one still gives the citizen the full expiry.
    for (const attemptsLeft of [2, 1]) {
      expect(await client.face.beginChallenge()).toMatchObject({ ok: true, value: { attemptsLeft } });
      expect(await client.session.get()).toMatchObject({ ok: true, value: { expiresInSec: expirySec } });
      await faceInView(50);
      expect(wipes).toEqual([]);
    }
    // Past the cap a keep-alive no longer pushes the expiry out.
    const before = await client.session.keepAlive();
    clock.advance(KEEPALIVE_INTERVAL_SEC * 1000);
    const after = await client.session.keepAlive();
    expect(before.ok && after.ok && after.value.expiresInSec).toBe(before.ok && before.value.expiresInSec - KEEPALIVE_INTERVAL_SEC);
    await faceInView(600);
    expect(wipes).toEqual(['expired']);
    expect(await client.session.get()).toMatchObject({ ok: true, value: null });
    expect(await client.session.keepAlive()).toMatchObject({ ok: false, error: { code: 'NO_SESSION' } });
  });
});

describe('face challenge clock', () => {
  it('starts when the screen starts the challenge (after the briefing), within 3 minutes of its issue; a capture for a challenge never started is refused', async () => {
    const { clock, client } = await boothOnClock({ face: { presenceCapSec: 900 } });
    await walkTo(client, 'face');
    /** A citizen reading the briefing and getting into position: a touch or a face in view every 10 s. */
    const briefing = async (sec: number) => {
      for (let elapsed = 0; elapsed < sec; elapsed += KEEPALIVE_INTERVAL_SEC) {
        await client.session.keepAlive();
        clock.advance(KEEPALIVE_INTERVAL_SEC * 1000);
      }
    };
    const slow = await client.face.beginChallenge();
    if (!slow.ok) throw new Error(slow.error.message);
    await briefing(170);
    expect(await client.face.startChallenge({ challengeId: slow.value.challenge.id })).toEqual({ ok: true, value: {} });

    const late = await client.face.beginChallenge();
    if (!late.ok) throw new Error(late.error.message);
    await briefing(190);
    expect(await client.face.startChallenge({ challengeId: late.value.challenge.id })).toMatchObject({
      ok: false,
      error: { code: 'FACE_FAILED', reason: 'CHALLENGE_EXPIRED' },
    });
    // Void, and it was an attempt.
    expect(await client.face.startChallenge({ challengeId: late.value.challenge.id })).toMatchObject({
      error: { reason: 'CHALLENGE_UNKNOWN' },
    });

    const unstarted = await client.face.beginChallenge();
    if (!unstarted.ok) throw new Error(unstarted.error.message);
    clock.advance(5000);
    expect(await client.face.submitCapture(capture(unstarted.value.challenge.id, unstarted.value.challenge.steps))).toMatchObject({
      ok: false,
      error: { code: 'FACE_FAILED', reason: 'CHALLENGE_NOT_STARTED' },
    });
    expect(await client.session.get()).toMatchObject({ ok: true, value: { step: 'referred', referral: { reason: 'face-failed' } } });
  });
});

describe('face models on the booth origin', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('serves the verified landmarker from memory, byte for byte what the manifest names', async () => {
    const booth = await startTestBooth();
    opened.push(() => booth.close());
    expect(await booth.booth.handlers['booth.info']({})).toMatchObject({ ok: true, value: { capabilities: { face: true } } });
    const response = await fetch(`${booth.host.origin}/models/${LANDMARKER_FILE}`);
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(modelManifest.files[0]!.sha256);
    expect((await fetch(`${booth.host.origin}/models/other.task`)).status).toBe(404);
  });

  it('refuses a tampered model: face step disabled with a technician message, nothing served', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'booth-renderer-'));
    dirs.push(copy);
    cpSync(rendererDir, copy, { recursive: true });
    const file = join(copy, 'models', LANDMARKER_FILE);
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1]! ^= 0x01;
    writeFileSync(file, bytes);
    const check = verifyModels(join(copy, 'models'), modelManifest);
    expect(check).toMatchObject({ ok: false, problems: [{ file: LANDMARKER_FILE, problem: 'tampered' }] });
    expect(!check.ok && check.problems[0]!.message).toMatch(/failed its integrity check.*reinstall/);

    const lines: string[] = [];
    const composed = await composeBooth({
      config: {},
      version: 't',
      rendererDir: copy,
      logDestination: { write: (line: string) => void lines.push(line) },
    });
    const host = await startHost({
      core: inProcessCore(composed.booth),
      logger: composed.logger,
      rendererDir: copy,
      port: 0,
      bind: '127.0.0.1',
    });
    opened.push(async () => {
      await composed.booth.dispose();
      await host.close();
    });
    expect((await fetch(`${host.origin}/models/${LANDMARKER_FILE}`)).status).toBe(404);
    // Spellings that resolve to the same folder on disk are refused too, sent raw (fetch would tidy them).
    for (const path of [
      `/%2Fmodels/${LANDMARKER_FILE}`,
      `/.//models/${LANDMARKER_FILE}`,
      `//models/${LANDMARKER_FILE}`,
      `/x/../models/${LANDMARKER_FILE}`,
    ]) {
      expect(await rawStatus(host.port, path)).toBe(404);
    }
    expect(lines.join('')).toContain('"event":"face.model_refused"');
    expect(await composed.booth.handlers['booth.info']({})).toMatchObject({ ok: true, value: { capabilities: { face: false } } });
  });

  it('carries a capture as one binary frame over the host WebSocket', async () => {
    const booth = await startTestBooth();
    opened.push(() => booth.close());
    const ws = new WebSocket(
      `ws://127.0.0.1:${booth.host.port}/contract`,
      [CONTRACT_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${booth.host.token}`],
      { origin: booth.host.origin },
    );
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const reply = () => new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
    const frame = encodeCallFrame({ type: 'call', id: 9, method: 'face.submitCapture', params: capture('0123456789abcdef', ['blink']) });
    expect(frame).toBeInstanceOf(Uint8Array);
    ws.send(frame);
    // Well-formed: it reaches the core, which has no session to give it.
    expect(await reply()).toMatchObject({ id: 9, result: { ok: false, error: { code: 'NO_SESSION' } } });
    // A header that is JSON null once took the host down: now a plain BAD_REQUEST.
    ws.send(new Uint8Array([0x42, 0x4b, 0x42, 0x31, 0, 0, 0, 4, ...new TextEncoder().encode('null')]));
    expect(await reply()).toMatchObject({ id: null, result: { ok: false, error: { code: 'BAD_REQUEST' } } });
    ws.send(new Uint8Array(MAX_BINARY_CALL_BYTES + 1)); // under the socket's hard cap: answered, not dropped
    expect(await reply()).toMatchObject({ id: null, result: { ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } } });
    ws.close();
  });
});
