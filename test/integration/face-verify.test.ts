// face.verify through the contract, with the real matcher: the simulated
// card's chip photo (read over the serial emulator) against live crops of
// the same face, then of another person's card, and the bounded attempts
// that end at the service desk. Evidence is logged, pictures are zeroed.
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BoothConfigInput } from '../../src/core/config';
import { createFaceMatcher } from '../../src/core/face/faceMatcher';
import { modelManifest, verifyCoreModels } from '../../src/core/face/models';
import { matchSettingsSchema } from '../../src/shared/face/settings';
import { inProcessBooth } from '../support/inProcess';
import { memoryLogger } from '../support/memoryLog';
import { liveCrop, liveFrame } from '../support/liveCrops';
import {
  boothAtFaceStep,
  captureVideoFace,
  RENDERER_MODELS as rendererModels,
  submitVideoCapture,
  type Forge,
} from '../support/faceJourney';
import { walkTo } from '../support/walkTo';
import { CROP_SIZE } from '../support/videoCapture';
import { withQuickLiveness } from '../support/livenessTrace';
import { encodeJpeg } from '../support/testImages';

const root = resolve(import.meta.dirname, '../..');
const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
});

const atFaceStep = (identity: number, config: BoothConfigInput = {}) => boothAtFaceStep(identity, config, opened);
const submitWith = submitVideoCapture;
const captureWith = captureVideoFace;

describe('face.verify with the real matcher', () => {
  it('matches the live face to the chip photo of the card read, moves on to sign-off, and logs the scores, not the face', async () => {
    const { client, booth, logs } = await atFaceStep(3);
    await captureWith(client);
    const crop = booth.steps.face.part.capture!.frames[0]!.jpeg;
    const result = await client.face.verify();
    // Saved and at the sign-off: the pictures are sealed in the vault, and none is kept in memory.
    expect(result).toMatchObject({ ok: true, value: { step: 'signoff', faceCaptured: false, faceMatchesLeft: 2 } });
    expect(crop.every((byte) => byte === 0)).toBe(true);
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
    // The sign-off code shows; the capture stays gone.
    expect(await client.signoff.request()).toMatchObject({ ok: true, value: { nikLast4: '0004' } });
    expect(booth.steps.face.part.capture).toBeNull();
  });

  it("refuses another person's face with NO_MATCH, allows a new capture, and refers the citizen after the last", async () => {
    const { client, booth } = await atFaceStep(1);
    await captureWith(client);
    const first = booth.steps.face.part.capture!.frames[0]!.jpeg;
    expect(await client.face.verify()).toMatchObject({ ok: false, error: { code: 'FACE_FAILED', reason: 'NO_MATCH' } });
    expect(first.every((byte) => byte === 0)).toBe(true);
    expect(await client.session.get()).toMatchObject({
      ok: true,
      value: { step: 'face', faceCaptured: false, faceMatchesLeft: 1, faceAttemptsLeft: 3 },
    });
    expect(await client.face.verify()).toMatchObject({ ok: false, error: { code: 'FACE_FAILED', reason: 'NOT_CAPTURED' } });
    await captureWith(client);
    expect(await client.face.verify()).toMatchObject({ ok: false, error: { code: 'FACE_FAILED', reason: 'NO_MATCH' } });
    expect(await client.session.get()).toMatchObject({
      ok: true,
      value: { step: 'referred', referral: { reason: 'face-not-matched', code: 'NO_MATCH' }, faceMatchesLeft: 0 },
    });
  });

  it('a second face.verify while the first runs is refused, and the first still decides', async () => {
    const { client } = await atFaceStep(3);
    await captureWith(client);
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
  it('refuses a capture whose full frame shows another person than its crops (NOT_ONE_PERSON), before it is kept', async () => {
    const { client, logs } = await atFaceStep(3);
    const { params, result } = await submitWith(client, (p) => (p.still.jpeg = new Uint8Array(liveFrame(root, 'sample6-second'))));
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'FACE_FAILED', reason: 'NOT_ONE_PERSON', message: expect.stringMatching(/^The full frame is [\d.]+ from the crops/) },
    });
    expect(params.still.jpeg.every((byte) => byte === 0)).toBe(true);
    expect(await client.session.get()).toMatchObject({ ok: true, value: { step: 'face', faceCaptured: false, faceAttemptsLeft: 2 } });
    expect(logs.join('')).toMatch(/"event":"face.capture_refused","reason":"NOT_ONE_PERSON"/);
  });
  it('checks the pictures with its own models before it keeps a capture: the actions are shown, one person throughout', async () => {
    const { client, logs } = await atFaceStep(3);
    await captureWith(client);
    const line = JSON.parse(logs.find((l) => l.includes('"event":"face.captured"'))!) as {
      actions: Array<{ action: string; measure: number; distance: number }>;
      baseline: { yawDeg: number; openness: number };
    };
    // What the core measured itself: turns of 10.8° or more past the look-straight yaw, shut eyes at most 90 % open.
    for (const found of line.actions) {
      if (found.action === 'blink') expect(found.measure).toBeLessThanOrEqual(0.9);
      else expect(found.measure).toBeGreaterThanOrEqual(10.8);
      expect(found.distance).toBeLessThan(0.6);
    }
    expect(line.baseline.openness).toBeGreaterThan(0.25);
  });

  it('refuses pictures that do not show the claimed action (ACTION_NOT_SHOWN), of two people (NOT_ONE_PERSON), or a still photo', async () => {
    // One of each action, so that every forgery below has its picture to forge.
    const { client, logs } = await atFaceStep(3, { face: { liveness: { attempts: 6, fixedOrder: ['blink', 'turnLeft', 'turnRight'] } } });
    const cases: Array<[string, Forge, string, RegExp]> = [
      // Each turn answered with the picture of the other turn, and the blink with eyes open.
      [
        'the turns swapped',
        (p, pictures) => {
          for (const a of p.actions)
            if (a.action !== 'blink') a.jpeg = new Uint8Array(pictures.actions[a.action === 'turnLeft' ? 'turnRight' : 'turnLeft']);
        },
        'ACTION_NOT_SHOWN',
        /turn(Left|Right)\) shows the head turned -\d/,
      ],
      [
        'eyes open for the blink',
        (p, pictures) => (p.actions.find((a) => a.action === 'blink')!.jpeg = new Uint8Array(pictures.crops[1]!)),
        'ACTION_NOT_SHOWN',
        /\(blink\) shows the eyes at \d+% of their open gap/,
      ],
      // A printed photo held up and never moved: every picture the same look-straight crop.
      [
        'a still photo',
        (p, pictures) => {
          for (const a of p.actions) a.jpeg = new Uint8Array(pictures.crops[0]!);
        },
        'ACTION_NOT_SHOWN',
        /Action picture \d/,
      ],
      [
        "another person's face in an action picture",
        (p) => (p.actions[1]!.jpeg = new Uint8Array(liveCrop(root, 'sample6-second'))),
        'NOT_ONE_PERSON',
        /Action picture 1 .* another person/,
      ],
      [
        'a crop of another person',
        (p) => (p.frames[2]!.jpeg = new Uint8Array(liveCrop(root, 'sample3-middle'))),
        'NOT_ONE_PERSON',
        /crops are [\d.]+ apart: not one person/,
      ],
      [
        'an action picture without a face',
        (p) => {
          const grey = new Uint8Array(encodeJpeg(new Uint8Array(CROP_SIZE * CROP_SIZE * 3).fill(128), CROP_SIZE, CROP_SIZE, 80));
          p.actions[0]!.jpeg = grey;
        },
        'ACTION_NOT_SHOWN',
        /Action picture 0 .*No face was found/,
      ],
    ];
    for (const [what, forge, reason, message] of cases) {
      const { params, result } = await submitWith(client, forge);
      expect(result, what).toMatchObject({ ok: false, error: { code: 'FACE_FAILED', reason, message: expect.stringMatching(message) } });
      // Refused pictures are zeroed at once; action pictures always.
      expect([...params.frames, ...params.actions].every((p) => p.jpeg.every((byte) => byte === 0))).toBe(true);
    }
    expect(logs.join('')).toMatch(/"event":"face.capture_refused","reason":"ACTION_NOT_SHOWN"/);
    expect(await client.session.get()).toMatchObject({ ok: true, value: { step: 'referred', referral: { reason: 'face-failed' } } });
  }, 60_000);

  it('gives the attempt back when the check itself fails (a worker crash: CHECK_RETRY), and the capture can be made again', async () => {
    const { logger } = memoryLogger('silent');
    const verified = verifyCoreModels(join(root, 'models'), modelManifest);
    const matcher = createFaceMatcher({ models: verified, settings: matchSettingsSchema.parse({}), logger, faults: { crash: true } });
    expect(await matcher.ready()).toMatchObject({ state: 'ready' });
    const booth = await inProcessBooth(
      withQuickLiveness({ devices: { card: { driver: 'emulated-serial', identity: 3, baudRate: 921600 } } }),
      rendererModels,
      { faceMatcher: matcher },
    );
    opened.push(() => booth.booth.dispose());
    await walkTo(booth.client, 'face');
    const { result } = await submitWith(booth.client);
    expect(result).toMatchObject({ ok: false, error: { code: 'FACE_FAILED', reason: 'CHECK_RETRY' } });
    expect(await booth.client.session.get()).toMatchObject({ ok: true, value: { step: 'face', faceAttemptsLeft: 3 } });
  });
});
