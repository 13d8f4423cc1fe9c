// The core's own face mesh (models/face_landmarks.onnx, MediaPipe's
// 468-point mesh converted to ONNX): on real faces it finds a face and open
// eyes, and on the fake camera's liveness video it sees what the screen's
// judge saw: the turns to each side, and the eyes closing in the blink.
// This is what the core will check the screen's action pictures with.
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceEngine, type FaceEngine } from '../../src/core/face/faceEngine';
import { modelManifest, verifyCoreModels } from '../../src/core/face/models';
import { ensureFaceVideos } from '../support/fakeCamera';
import { liveCrop } from '../support/liveCrops';
import { encodeJpeg } from '../support/testImages';
import { openY4m } from '../support/y4m';

const root = resolve(import.meta.dirname, '../..');
let engine: FaceEngine;

beforeAll(async () => {
  const models = verifyCoreModels(join(root, 'models'), modelManifest);
  if (!models.ok) throw new Error(models.problems.map((p) => p.message).join(' '));
  engine = await createFaceEngine(
    {
      detector: models.files.get('face_detector.onnx')!,
      embedding: models.files.get('face_embedding.onnx')!,
      landmarks: models.files.get('face_landmarks.onnx')!,
    },
    { threads: 1, minDetectionScore: 0.5 },
  );
}, 60_000);
afterAll(() => engine?.release());

describe("the core's face mesh", () => {
  it.each(['sample6-second', 'sample6-fourth', 'sample3-left', 'sample3-middle'] as const)(
    'finds the face in a crop of %s with its eyes open and its pose within a portrait range',
    async (id) => {
      const found = await engine.analyse({ format: 'jpeg', bytes: liveCrop(root, id) });
      if (!found.ok || !found.mesh) throw new Error(found.ok ? 'no mesh' : found.reason);
      expect(found.mesh.presence).toBeGreaterThan(0.9);
      expect(found.mesh.geometry.eyeOpenness.mean).toBeGreaterThan(0.25);
      expect(Math.abs(found.mesh.geometry.yawDeg)).toBeLessThan(30);
      expect(Math.abs(found.mesh.geometry.rollDeg)).toBeLessThan(20);
    },
  );

  it('sees the liveness video turn to each side by 18° or more, and its eyes close by a fifth in the blink', async () => {
    const videos = await ensureFaceVideos();
    const video = openY4m(videos.liveness);
    const series: { yaw: number; open: number }[] = [];
    try {
      for (let k = 0; k < video.frames; k += 1) {
        const found = await engine.analyse({ format: 'jpeg', bytes: encodeJpeg(video.rgb(k), video.width, video.height, 90) });
        if (!found.ok || !found.mesh) throw new Error(`frame ${k}: ${found.ok ? 'no mesh' : found.reason}`);
        series.push({ yaw: found.mesh.geometry.yawDeg, open: found.mesh.geometry.eyeOpenness.mean });
      }
    } finally {
      video.close();
    }
    const yaws = series.map((s) => s.yaw);
    const opens = series.map((s) => s.open);
    const resting = opens.slice(0, 20).reduce((a, b) => a + b, 0) / 20;
    console.log(
      `core mesh on the liveness video: yaw ${Math.min(...yaws).toFixed(1)}° to ${Math.max(...yaws).toFixed(1)}°, ` +
        `eye openness ${resting.toFixed(3)} at rest, ${Math.min(...opens).toFixed(3)} at the blink`,
    );
    // The citizen's own left (positive) and right (negative), as the screen's judge counts them.
    expect(Math.max(...yaws)).toBeGreaterThan(18);
    expect(Math.min(...yaws)).toBeLessThan(-18);
    // The video's blink is painted eyelids: the plain mesh sees them close by about a fifth (the screen's attention mesh, more).
    expect(Math.min(...opens)).toBeLessThan(resting * 0.85);
  }, 120_000);
});
