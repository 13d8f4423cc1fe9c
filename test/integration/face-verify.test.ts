// face.verify through the contract, with the real matcher: the simulated
// card's chip photo (read over the serial emulator) against live crops of
// the same face, then of another person's card, and the bounded attempts
// that end at the service desk. Evidence is logged, pictures are zeroed.
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BoothConfigInput } from '../../src/core/config';
import { LANDMARKER_FILE, type VerifiedModels } from '../../src/core/face/models';
import type { FaceCaptureParams } from '../../src/shared/contract/faceSchemas';
import { createFaceMatcher } from '../../src/core/face/faceMatcher';
import { modelManifest, verifyCoreModels } from '../../src/core/face/models';
import { matchSettingsSchema } from '../../src/shared/face/settings';
import { inProcessBooth } from '../support/inProcess';
import { memoryLogger } from '../support/memoryLog';
import { answer } from '../support/livenessTrace';
import { liveFrame, threeCrops, type AnnotatedFace } from '../support/liveCrops';
import { walkTo } from '../support/walkTo';

const root = resolve(import.meta.dirname, '../..');
const rendererModels: VerifiedModels = { ok: true, files: new Map([[LANDMARKER_FILE, Buffer.from('model')]]) };
const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
});

async function atFaceStep(identity: number, config: BoothConfigInput = {}) {
  const booth = await inProcessBooth(
    { devices: { card: { driver: 'emulated-serial', identity, baudRate: 921600 } }, ...config },
    rendererModels,
    { coreModelsDir: join(root, 'models') },
  );
  opened.push(() => booth.booth.dispose());
  await walkTo(booth.client, 'face');
  return booth;
}

/** Passes a challenge with crops and a full frame of the face (the trace is synthetic; the pictures are real faces). */
async function captureWith(client: Awaited<ReturnType<typeof atFaceStep>>['client'], face: AnnotatedFace, stillOf: AnnotatedFace = face) {
  const crops = threeCrops(root, face);
  const begun = await client.face.beginChallenge();
  if (!begun.ok) throw new Error(begun.error.message);
  expect(await client.face.startChallenge({ challengeId: begun.value.challenge.id })).toMatchObject({ ok: true });
  const steps = begun.value.challenge.steps;
  await new Promise((resolve) => setTimeout(resolve, answer(steps).at(-1)!.t));
  const params: FaceCaptureParams = {
    challengeId: begun.value.challenge.id,
    trace: answer(steps),
    frames: crops.map((jpeg, i) => ({ jpeg: new Uint8Array(jpeg), width: 320, height: 320, score: 90 - i })),
    still: { jpeg: new Uint8Array(liveFrame(root, stillOf)), width: 640, height: 480 },
  };
  const captured = await client.face.submitCapture(params);
  expect(captured).toMatchObject({ ok: true, value: { faceCaptured: true } });
}

describe('face.verify with the real matcher', () => {
  it('matches the live face to the chip photo of the card read, moves on to sign-off, and logs the scores, not the face', async () => {
    const { client, booth, logs } = await atFaceStep(0);
    await captureWith(client, 'sample6-second');
    const crop = booth.steps.face.part.capture!.frames[0]!.jpeg;
    const result = await client.face.verify();
    expect(result).toMatchObject({ ok: true, value: { step: 'signoff', faceCaptured: true, faceMatchesLeft: 2 } });
    expect(booth.steps.face.part.evidence).toMatchObject({ decision: 'match', within: 3, required: 2, threshold: 0.6 });
    const line = logs.find((l) => l.includes('"event":"face.match"'))!;
    expect(JSON.parse(line)).toMatchObject({
      decision: 'match',
      rule: 'half-of-crops',
      models: { embedding: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(line).not.toMatch(/embedding":\[/);
    // Asked again after the match: the journey has moved on.
    expect(await client.face.verify()).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } });
    // Sign-off is the next issue: the citizen is referred, and every picture is zeroed.
    await client.signoff.request();
    expect(crop.every((byte) => byte === 0)).toBe(true);
  });

  it("refuses another person's face with NO_MATCH, allows a new capture, and refers the citizen after the last", async () => {
    const { client, booth } = await atFaceStep(1);
    await captureWith(client, 'sample6-second');
    const first = booth.steps.face.part.capture!.frames[0]!.jpeg;
    expect(await client.face.verify()).toMatchObject({ ok: false, error: { code: 'FACE_FAILED', reason: 'NO_MATCH' } });
    expect(first.every((byte) => byte === 0)).toBe(true);
    expect(await client.session.get()).toMatchObject({
      ok: true,
      value: { step: 'face', faceCaptured: false, faceMatchesLeft: 1, faceAttemptsLeft: 3 },
    });
    expect(await client.face.verify()).toMatchObject({ ok: false, error: { code: 'FACE_FAILED', reason: 'NOT_CAPTURED' } });
    await captureWith(client, 'sample6-fourth');
    expect(await client.face.verify()).toMatchObject({ ok: false, error: { code: 'FACE_FAILED', reason: 'NO_MATCH' } });
    expect(await client.session.get()).toMatchObject({
      ok: true,
      value: { step: 'referred', referral: { reason: 'face-not-matched', code: 'NO_MATCH' }, faceMatchesLeft: 0 },
    });
  });

  it('a second face.verify while the first runs is refused, and the first still decides', async () => {
    const { client } = await atFaceStep(0);
    await captureWith(client, 'sample6-second');
    const [a, b] = await Promise.all([client.face.verify(), client.face.verify()]);
    expect([a, b]).toContainEqual(expect.objectContaining({ ok: false, error: expect.objectContaining({ reason: 'VERIFY_IN_PROGRESS' }) }));
    expect([a, b]).toContainEqual(expect.objectContaining({ ok: true, value: expect.objectContaining({ step: 'signoff' }) }));
  });

  it('takes the face step out of service when a core model is missing, naming it for the technician', async () => {
    const booth = await inProcessBooth(
      { devices: { card: { driver: 'emulated-serial', identity: 0, baudRate: 921600 } } },
      rendererModels,
      { coreModelsDir: join(root, 'test', 'fixtures') },
    );
    opened.push(() => booth.booth.dispose());
    await walkTo(booth.client, 'face');
    expect(await booth.client.face.beginChallenge()).toMatchObject({
      ok: false,
      error: {
        code: 'STEP_UNAVAILABLE',
        reason: 'MATCHER_OUT_OF_SERVICE',
        message: expect.stringMatching(/face_detector\.onnx is missing/),
      },
    });
    expect(await booth.client.session.get()).toMatchObject({
      ok: true,
      value: { step: 'referred', referral: { reason: 'face-unavailable', code: 'MATCHER_MODEL_MISSING' } },
    });
  });

  it('a matcher that failed its self-test takes the face step out of service before the citizen does the challenge', async () => {
    const verified = verifyCoreModels(join(root, 'models'), modelManifest);
    if (!verified.ok) throw new Error('models');
    const embedding = Buffer.from(verified.files.get('face_embedding.onnx')!);
    for (let i = 0; i < 4096; i++) embedding[embedding.length - 600_000 + i]! ^= 0x21;
    const { logger } = memoryLogger('silent');
    const matcher = createFaceMatcher({
      models: { ok: true, files: new Map([...verified.files, ['face_embedding.onnx', embedding]]) },
      settings: matchSettingsSchema.parse({}),
      logger,
    });
    expect(await matcher.ready()).toMatchObject({ state: 'out-of-service', reason: 'SELF_TEST_FAILED' });
    const booth = await inProcessBooth(
      { devices: { card: { driver: 'emulated-serial', identity: 0, baudRate: 921600 } } },
      rendererModels,
      { faceMatcher: matcher },
    );
    opened.push(() => booth.booth.dispose());
    await walkTo(booth.client, 'face');
    expect(await booth.client.face.setup()).toMatchObject({
      ok: false,
      error: { code: 'STEP_UNAVAILABLE', reason: 'MATCHER_OUT_OF_SERVICE' },
    });
    expect(await booth.client.session.get()).toMatchObject({
      ok: true,
      value: { step: 'referred', referral: { reason: 'face-unavailable', code: 'MATCHER_SELF_TEST_FAILED' } },
    });
  });
  it('refuses a capture whose full frame shows another person than its crops (LIVE_FACE_UNUSABLE), and erases it', async () => {
    const { client, logs } = await atFaceStep(0);
    await captureWith(client, 'sample6-second', 'sample6-fourth');
    expect(await client.face.verify()).toMatchObject({ ok: false, error: { code: 'FACE_FAILED', reason: 'LIVE_FACE_UNUSABLE' } });
    expect(await client.session.get()).toMatchObject({ ok: true, value: { step: 'face', faceCaptured: false, faceMatchesLeft: 1 } });
    expect(logs.join('')).toMatch(/"event":"face.live_unusable","reason":"TWO_PEOPLE"/);
  });
});
