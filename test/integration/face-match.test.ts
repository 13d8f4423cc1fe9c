// The face matcher in the core: its worker (onnxruntime-node on a
// worker_threads thread), the known-answer self-test that gates it, the
// match of live crops to a chip photo, and every bad input and failure it
// must turn into a value: a picture with no face or two, a corrupt or huge
// picture, a tampered or missing model, a worker that crashes or hangs.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testPhotos } from '../../src/core/card/emulator/testPhotos.generated';
import { createFaceMatcher, type FaceMatcher, type FaceMatcherOptions } from '../../src/core/face/faceMatcher';
import { modelManifest, verifyCoreModels, type VerifiedModels } from '../../src/core/face/models';
import { matchSettingsSchema } from '../../src/shared/face/settings';
import { liveCrop, threeCrops } from '../support/liveCrops';
import { memoryLogger } from '../support/memoryLog';
import { encodeJpeg } from '../support/testImages';

const root = resolve(import.meta.dirname, '../..');
const modelsDir = join(root, 'models');
const settings = matchSettingsSchema.parse({});
const started: FaceMatcher[] = [];
afterEach(async () => {
  for (const matcher of started.splice(0)) await matcher.stop();
});

function matcher(overrides: Partial<FaceMatcherOptions> = {}) {
  const log = memoryLogger();
  const m = createFaceMatcher({ models: verifyCoreModels(modelsDir, modelManifest), settings, logger: log.logger, ...overrides });
  started.push(m);
  return { matcher: m, log };
}

const chip = (identity: number, format: 'jpeg' | 'jpeg2000' = 'jpeg') => ({
  format,
  bytes: Buffer.from(format === 'jpeg' ? testPhotos[identity]!.jpeg : testPhotos[identity]!.jpeg2000, 'base64'),
});
const crops = (bytes: Uint8Array[]) => bytes.map((b) => ({ format: 'jpeg' as const, bytes: b }));

describe('face matcher', () => {
  it("passes its known-answer self-test, then matches citizen 0's chip photo to live crops of the same face and not citizen 1's", async () => {
    const { matcher: m, log } = matcher();
    const state = await m.ready();
    expect(state).toMatchObject({ state: 'ready', selfTest: { ok: true } });
    if (state.state !== 'ready') throw new Error('not ready');
    expect(state.selfTest.checks.map((c) => c.name)).toEqual([
      'selftest-citizen0.jpg embedding',
      'selftest-citizen0.j2k embedding',
      'selftest-citizen1.jpg embedding',
      'same person (citizen 0, JPEG and JPEG 2000)',
      'different people (citizens 0 and 1)',
    ]);
    expect(log.text()).toMatch(/"event":"face.self_test_passed"/);

    // Same picture of the same person as the chip photo, at another size and compression: proves the pipeline, not accuracy.
    const live = threeCrops(root, 'sample6-second');
    const same = await m.verify({ chip: chip(0, 'jpeg2000'), crops: crops(live) });
    if (same.kind !== 'decided') throw new Error(`${same.kind}: ${JSON.stringify(same)}`);
    expect(same.evidence).toMatchObject({ decision: 'match', rule: 'half-of-crops', threshold: 0.6, required: 2, within: 3 });
    expect(Math.max(...same.evidence.distances)).toBeLessThan(0.6);
    expect(same.evidence.models.embedding).toBe(modelManifest.coreFiles.find((f) => f.name === 'face_embedding.onnx')!.sha256);
    expect(same.evidence.chip).toMatchObject({ width: 120, height: 160 });
    console.log(
      `same person: distances ${same.evidence.distances.map((d) => d.toFixed(3)).join(', ')}, ${same.evidence.ms.total.toFixed(0)} ms`,
    );

    const other = await m.verify({ chip: chip(1), crops: crops(threeCrops(root, 'sample6-second')) });
    if (other.kind !== 'decided') throw new Error(other.kind);
    expect(other.evidence).toMatchObject({ decision: 'no-match', within: 0 });
    expect(Math.min(...other.evidence.distances)).toBeGreaterThan(0.6);
    console.log(`other person: distances ${other.evidence.distances.map((d) => d.toFixed(3)).join(', ')}`);
    expect(m.workerRssBytes).toBeGreaterThan(10 * 1024 * 1024);
  });

  it('refuses pictures it cannot use, each with its reason: no face, two people, corrupt, huge, tiny', async () => {
    const { matcher: m } = matcher();
    await m.ready();
    const grey = encodeJpeg(new Uint8Array(320 * 320 * 3).fill(128), 320, 320);
    const live = crops(threeCrops(root, 'sample6-second'));
    expect(await m.verify({ chip: { format: 'jpeg', bytes: grey }, crops: live })).toMatchObject({
      kind: 'chip-unusable',
      reason: 'NO_FACE',
    });
    const corrupt = Buffer.from(testPhotos[0]!.jpeg, 'base64').subarray(0, 600);
    expect(await m.verify({ chip: { format: 'jpeg', bytes: corrupt }, crops: live })).toMatchObject({
      kind: 'chip-unusable',
      reason: 'UNDECODABLE',
    });
    // A JPEG header that claims 20000 × 20000: refused from the header, before any decoding.
    const huge = Buffer.from(testPhotos[0]!.jpeg, 'base64');
    const sof = huge.indexOf(Buffer.from([0xff, 0xc0]));
    huge.writeUInt16BE(20000, sof + 5);
    huge.writeUInt16BE(20000, sof + 7);
    expect(await m.verify({ chip: { format: 'jpeg', bytes: huge }, crops: live })).toMatchObject({
      kind: 'chip-unusable',
      reason: 'TOO_LARGE',
    });
    const tiny = encodeJpeg(new Uint8Array(24 * 24 * 3).fill(90), 24, 24);
    expect(await m.verify({ chip: chip(0), crops: crops([tiny]) })).toMatchObject({ kind: 'live-unusable', reason: 'TOO_SMALL' });
    // The whole group photo (three people) as a crop, and as a chip photo.
    const group = new Uint8Array(readFileSync(join(root, 'node_modules/@vladmandic/face-api/demo/sample3.jpg')));
    expect(await m.verify({ chip: chip(0), crops: crops([group]) })).toMatchObject({ kind: 'live-unusable', reason: 'MANY_FACES' });
    expect(await m.verify({ chip: { format: 'jpeg', bytes: group }, crops: live })).toMatchObject({
      kind: 'chip-unusable',
      reason: 'MANY_FACES',
    });
    // Crops of two different people, each alone in its picture.
    const mixed = crops([liveCrop(root, 'sample6-second'), liveCrop(root, 'sample6-fourth'), liveCrop(root, 'sample6-second')]);
    expect(await m.verify({ chip: chip(0), crops: mixed })).toMatchObject({ kind: 'live-unusable', reason: 'TWO_PEOPLE' });
    // After all that the worker still answers.
    expect(await m.verify({ chip: chip(0), crops: live })).toMatchObject({ kind: 'decided', evidence: { decision: 'match' } });
  });

  it('goes out of service when a model is tampered with, even past its hash, or missing', async () => {
    // A model changed together with the hash list would pass the file check: the self-test still catches it.
    const verified = verifyCoreModels(modelsDir, modelManifest);
    if (!verified.ok) throw new Error('models');
    const embedding = Buffer.from(verified.files.get('face_embedding.onnx')!);
    // 4 KB of weights changed (of 22 MB): the embeddings move by about 1e-3, ten times what the self-test allows.
    for (let i = 0; i < 4096; i++) embedding[embedding.length - 600_000 + i]! ^= 0x21;
    const tampered: VerifiedModels = { ok: true, files: new Map([...verified.files, ['face_embedding.onnx', embedding]]) };
    const { matcher: m, log } = matcher({ models: tampered });
    expect(await m.ready()).toMatchObject({ state: 'out-of-service', reason: 'SELF_TEST_FAILED' });
    expect(log.text()).toMatch(/"event":"face.self_test_failed"/);
    expect(await m.verify({ chip: chip(0), crops: crops(threeCrops(root, 'sample6-second')) })).toMatchObject({ kind: 'out-of-service' });

    const empty = mkdtempSync(join(tmpdir(), 'core-models-'));
    try {
      const missing = matcher({ models: verifyCoreModels(empty, modelManifest) }).matcher;
      expect(await missing.ready()).toMatchObject({ state: 'out-of-service', reason: 'MODEL_MISSING' });
      cpSync(join(modelsDir, 'face_detector.onnx'), join(empty, 'face_detector.onnx'));
      cpSync(join(modelsDir, 'face_embedding.onnx'), join(empty, 'face_embedding.onnx'));
      writeFileSync(join(empty, 'face_detector.onnx'), Buffer.from('not a model'));
      const swapped = matcher({ models: verifyCoreModels(empty, modelManifest) }).matcher;
      expect(await swapped.ready()).toMatchObject({ state: 'out-of-service', reason: 'MODEL_TAMPERED' });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('answers a retry when the worker crashes or hangs, and out of service once it crashed too often', async () => {
    const live = crops(threeCrops(root, 'sample6-second'));
    const crashing = matcher({ faults: { crash: true }, settings: { ...settings, timeoutMs: 5000 } }).matcher;
    expect(await crashing.ready()).toMatchObject({ state: 'ready' });
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push((await crashing.verify({ chip: chip(0), crops: live })).kind);
    // The restart budget (3 a minute): three retries, then the worker is given up.
    expect(outcomes.slice(0, 3)).toEqual(['retry', 'retry', 'retry']);
    expect(outcomes.at(-1)).toBe('out-of-service');
    expect(crashing.status).toMatchObject({ state: 'out-of-service', reason: 'WORKER_FAILED' });

    const hanging = matcher({ faults: { hangMs: 3000 }, settings: { ...settings, timeoutMs: 1000 } }).matcher;
    await hanging.ready();
    const before = performance.now();
    expect(await hanging.verify({ chip: chip(0), crops: live })).toMatchObject({ kind: 'retry', reason: 'TIMEOUT' });
    expect(performance.now() - before).toBeLessThan(2500);
  });
});
