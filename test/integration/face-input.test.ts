// The booth's landmarker input is a scaled-down copy of the camera frame
// (shared/face/inputSize.ts: the face about 128 px tall in it). This checks,
// in Chromium through the booth's own FrameAnalyzer, that landmarks found on
// that smaller copy still land where a person annotated them, within the
// tolerances of face-models.test.ts (iris 12 %, mouth 20 %, nose 30 % of the
// inter-eye distance), and that the eyes read as open. Each annotated face
// is placed in a 640 × 480 frame at the booth's smallest accepted size
// (70 px between the eyes) and at two larger ones.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type BrowserSession } from '../support/browser';
import { startStaticServer, type StaticServer } from '../support/staticServer';
import fixture from '../fixtures/face-landmarks.json';

const root = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const MODEL = join(root, 'models/face_landmarker.task');
const TOLERANCE = { iris: 0.12, mouth: 0.2, nose: 0.3 };
/** Inter-eye distances the faces are shown at, px of the 640 × 480 frame: the quality gate's minimum, typical, close. */
const EYE_PX = [70, 90, 120];

type Point = [number, number];
interface Placed {
  points: Point[];
  inputWidth: number;
  openness: number;
}

const PAGE_SOURCE = `
import { FrameAnalyzer } from '${join(root, 'src/renderer/face/frameAnalyzer.ts')}';
import { loadFaceModels } from '${join(root, 'src/renderer/face/landmarker.ts')}';
window.placeFaces = async (jobs) => {
  const models = await loadFaceModels('/mediapipe/', '/models/face_landmarker.task', '/models/face_detector.tflite');
  let last = null;
  const detect = models.landmarker.detectForVideo.bind(models.landmarker);
  models.landmarker.detectForVideo = (...args) => (last = detect(...args));
  const frame = Object.assign(document.createElement('canvas'), { width: 640, height: 480 });
  const context = frame.getContext('2d');
  const out = [];
  let t = 0;
  for (const job of jobs) {
    const image = new Image();
    image.src = '/images/' + job.image;
    await image.decode();
    context.fillStyle = '#808080';
    context.fillRect(0, 0, 640, 480);
    const c = job.crop;
    context.drawImage(image, c.x, c.y, c.width, c.height, job.x, job.y, c.width * job.k, c.height * job.k);
    // A fresh analyzer for each face: the frame repeats until the tracker has settled on it.
    const analyzer = new FrameAnalyzer(models);
    let analysis = null;
    for (let i = 0; i < 8; i++) analysis = analyzer.analyze(frame, (t += 33.3));
    out.push({
      points: (last.faceLandmarks[0] ?? []).map((p) => [p.x * 640, p.y * 480]),
      inputWidth: analyzer.inputSize?.width ?? 0,
      openness: analysis.geometry?.eyeOpenness.mean ?? 0,
    });
    analyzer.dispose();
  }
  models.landmarker.close();
  models.detector.close();
  return out;
};
document.title = 'ready';
`;

const distance = (a: readonly number[], b: readonly number[]) => Math.hypot((a[0] ?? NaN) - (b[0] ?? NaN), (a[1] ?? NaN) - (b[1] ?? NaN));

describe.skipIf(!existsSync(MODEL))('landmarks on the scaled-down landmarker input', () => {
  let server: StaticServer;
  let browser: BrowserSession;
  const work = mkdtempSync(join(tmpdir(), 'face-input-'));

  beforeAll(async () => {
    await build({
      stdin: { contents: PAGE_SOURCE, resolveDir: root, loader: 'ts' },
      bundle: true,
      format: 'esm',
      outfile: join(work, 'page.js'),
      logLevel: 'error',
    });
    server = await startStaticServer({
      pages: {
        '/': {
          type: 'text/html',
          body: '<!doctype html><meta charset="utf-8"><title>loading</title><script type="module" src="/page.js"></script>',
        },
      },
      mounts: {
        '/mediapipe/': join(dirname(require.resolve('@mediapipe/tasks-vision')), 'wasm'),
        '/models/': join(root, 'models'),
        '/images/': join(root, fixture.imageDir),
        '/': work,
      },
    });
    browser = await openBrowser({ width: 700, height: 520 });
    await browser.page.goto(`${server.origin}/`);
    await browser.page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 30_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('every annotated face, at 70, 90 and 120 px between the eyes, is measured on a smaller input and within the face-models tolerances', async () => {
    const jobs = fixture.faces.flatMap((face) =>
      EYE_PX.map((eyePx) => {
        const k = eyePx / distance(face.leftEye, face.rightEye);
        // The eyes' midpoint at the frame centre, a little above it as a citizen stands.
        const mid = [(face.leftEye[0]! + face.rightEye[0]!) / 2, (face.leftEye[1]! + face.rightEye[1]!) / 2];
        return { face, eyePx, k, x: 320 - (mid[0]! - face.crop.x) * k, y: 210 - (mid[1]! - face.crop.y) * k };
      }),
    );
    const placed = (await browser.page.evaluate(
      (list) => (window as unknown as { placeFaces: (jobs: unknown[]) => Promise<Placed[]> }).placeFaces(list),
      jobs.map(({ face, k, x, y }) => ({ image: face.image, crop: face.crop, k, x, y })),
    )) as Placed[];
    jobs.forEach(({ face, eyePx, k, x, y }, i) => {
      const result = placed[i]!;
      const label = `${face.id} at ${eyePx} px`;
      const toFrame = (p: number[]): Point => [x + (p[0]! - face.crop.x) * k, y + (p[1]! - face.crop.y) * k];
      expect(result.points, label).toHaveLength(478);
      // The landmarker really was given less than the full frame.
      expect(result.inputWidth, label).toBeLessThan(640);
      const near = (landmark: Point | undefined, target: number[], tolerance: number, what: string) => {
        const error = distance(landmark ?? [NaN, NaN], toFrame(target)) / eyePx;
        expect(
          error,
          `${label} ${what}: ${(100 * error).toFixed(1)}% of the inter-eye distance (input ${result.inputWidth} px wide)`,
        ).toBeLessThan(tolerance);
      };
      near(result.points[468], face.leftEye, TOLERANCE.iris, 'iris 468');
      near(result.points[473], face.rightEye, TOLERANCE.iris, 'iris 473');
      near(result.points[1], face.noseTip, TOLERANCE.nose, 'nose tip');
      const [p13, p14] = [result.points[13]!, result.points[14]!];
      near([(p13[0] + p14[0]) / 2, (p13[1] + p14[1]) / 2], face.mouthCentre, TOLERANCE.mouth, 'mouth centre');
      expect(result.openness, `${label} eye openness`).toBeGreaterThan(0.15);
    });
  }, 60_000);
});
