// The face models made by `npm run models`: the bundle is reproducible and
// matches the committed manifest, a tampered file is caught, and in real
// Chromium MediaPipe Tasks (tasks-vision 1.1.0) loads the bundle and puts
// landmarks where a person annotated them (test/fixtures/face-landmarks.json).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFaceLandmarkerTask, type BuiltFile } from '../../scripts/models/build';
import { buildBoothFiles, runModels } from '../../scripts/models/index';
import { formatManifest, manifestEntry, readManifest, sha256 } from '../../scripts/models/manifest';
import { readStoredZip } from '../../scripts/models/zip';
import { openBrowser, type BrowserSession } from '../support/browser';
import { startStaticServer, type StaticServer } from '../support/staticServer';
import fixture from '../fixtures/face-landmarks.json';
import jpeg from 'jpeg-js';
import { buildFaceDetectorModel } from '../../scripts/models/faceDetectorOnnx';
import * as ort from 'onnxruntime-node';
import { decodeDetections, KEYPOINTS } from '../../src/core/face/detection';
import { warp } from '../../src/core/face/resample';
import { encodePng } from '../support/png';

const ROOT = resolve(import.meta.dirname, '..', '..');
const TASKS_VISION = join(ROOT, 'node_modules', '@mediapipe', 'tasks-vision');
const IMAGES = join(ROOT, fixture.imageDir);
/**
 * Allowed landmark error, as a share of the annotated inter-eye distance.
 * Iris centres are sharp, so they get the tight bound. The nose tip and the
 * mouth centre are 3D points whose 2D spot is a judgement call on a turned
 * head (MediaPipe's point 1 sits lower than a visual "tip"; two different
 * MediaPipe networks agree with each other within 4% there), hence looser.
 */
const TOLERANCE = { iris: 0.12, mouth: 0.2, nose: 0.3 };

type Point = [number, number];
type Crop = { x: number; y: number; width: number; height: number };
type Face = (typeof fixture.faces)[number];

interface Harness {
  landmarks(
    model: string,
    jobs: { image: string; crop: Crop }[],
    mode: 'IMAGE' | 'VIDEO',
  ): Promise<{ loadMs: number; frameMs: number[]; faces: number[][][][] }>;
  detect(model: string, jobs: { image: string; crop: Crop }[]): Promise<{ box: Crop; score: number; keypoints: Point[] }[][]>;
}

// Runs in the page: imports tasks-vision from the local server only.
const HARNESS_PAGE = `<!doctype html><meta charset="utf-8"><title>face models</title>
<script type="module">
import { FilesetResolver, FaceLandmarker, FaceDetector } from '/tasks-vision/vision_bundle.mjs';
const fileset = await FilesetResolver.forVisionTasks('/tasks-vision/wasm');
const bytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
const images = new Map();
async function crop(job) {
  if (!images.has(job.image)) { const img = new Image(); img.src = '/images/' + job.image; await img.decode(); images.set(job.image, img); }
  const c = job.crop, canvas = document.createElement('canvas');
  canvas.width = c.width; canvas.height = c.height;
  canvas.getContext('2d').drawImage(images.get(job.image), c.x, c.y, c.width, c.height, 0, 0, c.width, c.height);
  return canvas;
}
window.harness = {
  async landmarks(model, jobs, mode) {
    const canvases = await Promise.all(jobs.map(crop));
    let t = performance.now();
    const landmarker = await FaceLandmarker.createFromOptions(fileset, {
      baseOptions: { modelAssetBuffer: await bytes(model), delegate: 'CPU' }, runningMode: mode, numFaces: 2, outputFaceBlendshapes: false,
    });
    const loadMs = performance.now() - t, frameMs = [], faces = [];
    canvases.forEach((canvas, i) => {
      t = performance.now();
      const result = mode === 'VIDEO' ? landmarker.detectForVideo(canvas, 1000 + i * 40) : landmarker.detect(canvas);
      frameMs.push(performance.now() - t);
      faces.push(result.faceLandmarks.map((face) => face.map((p) => [p.x, p.y, p.z])));
    });
    landmarker.close();
    return { loadMs, frameMs, faces };
  },
  async detect(model, jobs) {
    const detector = await FaceDetector.createFromOptions(fileset, {
      baseOptions: { modelAssetBuffer: await bytes(model), delegate: 'CPU' }, runningMode: 'IMAGE', minDetectionConfidence: 0.5,
    });
    const out = [];
    for (const job of jobs) {
      const canvas = job.image ? await crop(job) : Object.assign(document.createElement('canvas'), { width: job.crop.width, height: job.crop.height });
      out.push(detector.detect(canvas).detections.map((d) => ({
        box: { x: d.boundingBox.originX, y: d.boundingBox.originY, width: d.boundingBox.width, height: d.boundingBox.height },
        score: d.categories[0].score,
        keypoints: d.keypoints.map((k) => [k.x * job.crop.width, k.y * job.crop.height]),
      })));
    }
    detector.close();
    return out;
  },
};
document.title = 'ready';
</script>`;

const demoPictures = new Map<string, { width: number; height: number; rgb: Uint8Array }>();

/** The annotated face's crop shrunk to the detector's 128 × 128 input (RGB bytes). */
function detectorInput(face: Face): Uint8Array {
  if (!demoPictures.has(face.image)) {
    const decoded = jpeg.decode(readFileSync(join(IMAGES, face.image)), { useTArray: true, maxMemoryUsageInMB: 512 });
    const rgb = new Uint8Array(decoded.width * decoded.height * 3);
    for (let i = 0; i < decoded.width * decoded.height; i++) rgb.set(decoded.data.subarray(i * 4, i * 4 + 3), i * 3);
    demoPictures.set(face.image, { width: decoded.width, height: decoded.height, rgb });
  }
  const scale = face.crop.width / 128;
  const m = { a: scale, b: 0, c: face.crop.x, d: 0, e: scale, f: face.crop.y };
  return Uint8Array.from(warp(demoPictures.get(face.image)!, 128, 128, m, scale), (v) => Math.round(v));
}

const detectorInputPng = (face: Face) => encodePng(detectorInput(face), 128, 128);

const distance = (a: readonly number[], b: readonly number[]): number => Math.hypot((a[0] ?? 0) - (b[0] ?? 0), (a[1] ?? 0) - (b[1] ?? 0));

describe('face model bundle and manifest', () => {
  let built: BuiltFile;
  let dir: string;
  beforeAll(() => {
    built = buildFaceLandmarkerTask(ROOT);
    dir = mkdtempSync(join(tmpdir(), 'face-models-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds the same bytes every time, matching the committed manifest', () => {
    expect(sha256(buildFaceLandmarkerTask(ROOT).bytes)).toBe(sha256(built.bytes));
    const committed = readManifest(join(ROOT, 'models', 'manifest.json'));
    // The models, the MediaPipe runtime copied from tasks-vision, then the warm-up picture from face-api's demo folder.
    expect(committed?.files).toEqual(buildBoothFiles(ROOT).map(manifestEntry));
    expect(committed?.files.map((f) => [f.name, f.kind])).toEqual([
      ['face_landmarker.task', 'model'],
      ['face_detector.tflite', 'model'],
      ['vision_wasm_internal.js', 'runtime'],
      ['vision_wasm_internal.wasm', 'runtime'],
      ['vision_wasm_nosimd_internal.js', 'runtime'],
      ['vision_wasm_nosimd_internal.wasm', 'runtime'],
      ['warmup-face.jpg', 'picture'],
    ]);
    expect(committed?.files[0]).toEqual(manifestEntry(built));
    expect(committed?.files[6]).toMatchObject({ licence: 'MIT', sources: [{ package: '@vladmandic/face-api', file: 'demo/sample3.jpg' }] });
  });

  it('is a stored zip of exactly the detector and the landmark model', () => {
    const entries = readStoredZip(built.bytes);
    expect(entries.map((e) => e.name)).toEqual(['face_detector.tflite', 'face_landmarks_detector.tflite']);
    for (const e of entries) expect(new TextDecoder().decode(e.data.subarray(4, 8))).toBe('TFL3');
  });

  it('--check passes on good files and names the file whose hash differs', () => {
    writeFileSync(join(dir, built.name), built.bytes);
    writeFileSync(join(dir, 'manifest.json'), formatManifest({ files: [manifestEntry(built)] }));
    expect(runModels(['--check', '--dir', dir], () => undefined)).toBe(0);

    const tampered = built.bytes.slice();
    tampered[1000] = (tampered[1000] as number) ^ 0xff;
    writeFileSync(join(dir, built.name), tampered);
    const cli = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/models/index.ts'), '--check', '--dir', dir], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/face_landmarker\.task: sha256 [0-9a-f]{64} .*differs from the manifest's/);
  });

  it('refuses to replace a model whose build no longer matches the manifest, unless --update', () => {
    const stale = manifestEntry(built);
    stale.sha256 = '0'.repeat(64);
    writeFileSync(join(dir, 'manifest.json'), formatManifest({ files: [stale] }));
    expect(() => runModels(['--dir', dir], () => undefined)).toThrow(/face_landmarker\.task has sha256 [0-9a-f]{64} but .* expects 0{64}/);
    expect(runModels(['--update', '--dir', dir], () => undefined)).toBe(0);
    expect(readManifest(join(dir, 'manifest.json'))?.files[0]?.sha256).toBe(sha256(built.bytes));
    expect(sha256(readFileSync(join(dir, built.name)))).toBe(sha256(built.bytes));
  });
});

describe('face models in Chromium (MediaPipe Tasks)', () => {
  let browser: BrowserSession | undefined;
  let server: StaticServer | undefined;
  let harness: <K extends keyof Harness>(name: K, ...args: Parameters<Harness[K]>) => Promise<Awaited<ReturnType<Harness[K]>>>;

  beforeAll(async () => {
    const built = buildFaceLandmarkerTask(ROOT);
    const detector = readStoredZip(built.bytes).find((e) => e.name === 'face_detector.tflite');
    server = await startStaticServer({
      pages: { '/': { type: 'text/html', body: HARNESS_PAGE } },
      files: new Map([
        ['/models/face_landmarker.task', built.bytes],
        ['/models/face_detector.tflite', detector?.data ?? new Uint8Array()],
        ...fixture.faces.map((face) => [`/images/input-${face.id}.png`, detectorInputPng(face)] as const),
      ]),
      mounts: { '/tasks-vision/': TASKS_VISION, '/images/': IMAGES },
    });
    browser = await openBrowser({ width: 400, height: 300 });
    const page = browser.page;
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.origin}/`);
    await page
      .waitForFunction(() => document.title === 'ready', undefined, { timeout: 30_000 })
      .catch((error: unknown) => {
        throw new Error(`The tasks-vision harness page did not start: ${errors.join('; ') || String(error)}`);
      });
    harness = (name, ...args) =>
      page.evaluate(([n, a]) => (window as unknown as { harness: Record<string, (...x: unknown[]) => unknown> }).harness[n]?.(...a), [
        name,
        args,
      ] as const) as never;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const jobs = fixture.faces.map((f) => ({ image: f.image, crop: f.crop }));

  /** The returned face whose nose tip is nearest the annotated one, in full-image pixels. */
  function pickFace(face: Face, faces: number[][][]): Point[] {
    const toImage = (p: number[]): Point => [face.crop.x + (p[0] ?? 0) * face.crop.width, face.crop.y + (p[1] ?? 0) * face.crop.height];
    const candidates = faces.map((f) => f.map(toImage));
    candidates.sort((a, b) => distance(a[1] ?? [0, 0], face.noseTip) - distance(b[1] ?? [0, 0], face.noseTip));
    return candidates[0] ?? [];
  }

  function expectAnnotated(face: Face, points: Point[]): void {
    const eyes = distance(face.leftEye, face.rightEye);
    const near = (landmark: Point | undefined, target: number[], tolerance: number, what: string) => {
      const error = distance(landmark ?? [NaN, NaN], target) / eyes;
      expect(error, `${face.id} ${what}: ${(100 * error).toFixed(1)}% of inter-eye distance`).toBeLessThan(tolerance);
    };
    expect(points).toHaveLength(478);
    near(points[468], face.leftEye, TOLERANCE.iris, 'iris 468 vs image-left eye');
    near(points[473], face.rightEye, TOLERANCE.iris, 'iris 473 vs image-right eye');
    near(points[1], face.noseTip, TOLERANCE.nose, 'nose tip (1)');
    const [p13, p14]: [Point, Point] = [points[13] ?? [NaN, NaN], points[14] ?? [NaN, NaN]];
    near([(p13[0] + p14[0]) / 2, (p13[1] + p14[1]) / 2], face.mouthCentre, TOLERANCE.mouth, 'mouth centre (13, 14)');
    for (const [upper, lower, outer, inner, side] of [
      [159, 145, 33, 133, 'image-left'],
      [386, 374, 263, 362, 'image-right'],
    ] as const) {
      const openness =
        distance(points[upper] ?? [0, 0], points[lower] ?? [0, 0]) / distance(points[outer] ?? [0, 0], points[inner] ?? [0, 1]);
      expect(openness, `${face.id} ${side} eye openness`).toBeGreaterThan(0.15);
    }
  }

  it('FaceLandmarker (IMAGE) loads the bundle and finds 478 landmarks where they were annotated', async () => {
    const result = await harness('landmarks', '/models/face_landmarker.task', jobs, 'IMAGE');
    fixture.faces.forEach((face, i) => expectAnnotated(face, pickFace(face, result.faces[i] ?? [])));
  });

  it('FaceLandmarker (VIDEO) tracks across frames with the same accuracy', async () => {
    const face = fixture.faces[0] as Face;
    const result = await harness(
      'landmarks',
      '/models/face_landmarker.task',
      new Array(5).fill({ image: face.image, crop: face.crop }),
      'VIDEO',
    );
    for (const faces of result.faces) expectAnnotated(face, pickFace(face, faces));
  });

  it('FaceDetector with the metadata-edited detector finds each face and nothing on a blank frame', async () => {
    const blank = { image: '', crop: { x: 0, y: 0, width: 360, height: 360 } };
    const results = await harness('detect', '/models/face_detector.tflite', [...jobs, blank]);
    fixture.faces.forEach((face, i) => {
      const local = (p: number[]): Point => [(p[0] ?? 0) - face.crop.x, (p[1] ?? 0) - face.crop.y];
      const inside = (results[i] ?? []).filter(({ box }) =>
        [face.leftEye, face.rightEye, face.noseTip, face.mouthCentre]
          .map(local)
          .every(([x, y]) => x >= box.x && x <= box.x + box.width && y >= box.y && y <= box.y + box.height),
      );
      expect(inside.length, `${face.id}: detections ${JSON.stringify(results[i])}`).toBeGreaterThan(0);
    });
    expect(results[jobs.length]).toEqual([]);
  });

  it("the core's face_detector.onnx (the same network converted to ONNX) finds what tasks-vision finds in the same pixels", async () => {
    // 128 × 128 pictures: the detector's own input size, so neither side resamples and both see exactly these pixels.
    const inputs = fixture.faces.map((face) => ({ image: `input-${face.id}.png`, crop: { x: 0, y: 0, width: 128, height: 128 } }));
    const tflite = await harness('detect', '/models/face_detector.tflite', inputs);
    const session = await ort.InferenceSession.create(buildFaceDetectorModel(ROOT).bytes, { intraOpNumThreads: 1 });
    let worst = 0;
    for (const [i, face] of fixture.faces.entries()) {
      const rgb = detectorInput(face);
      const out = await session.run({ image: new ort.Tensor('float32', Float32Array.from(rgb), [1, 128, 128, 3]) });
      const [found] = decodeDetections(out.regressors!.data as Float32Array, out.scores!.data as Float32Array, {
        minScore: 0.5,
        overlap: 0.3,
        toPicture: (p) => p,
      });
      const mediapipe = tflite[i]?.[0];
      if (!found || !mediapipe)
        throw new Error(`${face.id}: ONNX ${found ? 'found' : 'did not find'} a face, tasks-vision ${mediapipe ? 'did' : 'did not'}`);
      KEYPOINTS.forEach((name, k) => {
        const error = distance([found.keypoints[name].x, found.keypoints[name].y], mediapipe.keypoints[k]!);
        worst = Math.max(worst, error);
        expect(error, `${face.id} ${name}: ${error.toFixed(2)} px from tasks-vision's`).toBeLessThan(0.05);
      });
      expect(Math.abs(found.score - mediapipe.score), face.id).toBeLessThan(0.01);
    }
    await session.release();
    console.log(
      `face_detector.onnx vs tasks-vision FaceDetector on the same 128 × 128 pixels: largest keypoint difference ${worst.toFixed(3)} px`,
    );
  });
});
