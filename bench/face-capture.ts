// npm run bench -- face-capture
// Per-frame time of the booth's face pipeline (detect + landmarks + quality)
// at 640 × 480 in headless Chromium, over 330 frames of the project's own
// liveness test video (turns, a blink, frontal), and on the very same frames
// @vladmandic/human's face pipeline (BlazeFace + FaceMesh + Iris, tfjs wasm)
// as the peer. Writes bench/results/face-capture.json. The booth's figure is
// the same work per frame as the booth's loop: FrameAnalyzer.analyze (the
// frame scaled down for the landmarker by the face's size, landmarks,
// pixel measures from the full frame) and the quality gate.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { openBrowser } from '../test/support/browser';
import { startStaticServer } from '../test/support/staticServer';
import { ensureFaceVideos } from '../test/support/fakeCamera';
import { faceSettingsSchema } from '../src/shared/face/settings';

const FRAMES = 330;
/** Camera frames after the camera starts, before timing: the start of a face step. */
const WARMUP = 30;
/** The booth's own warm-up before the first citizen (face.warmUpFrames, default) and the pause before the face step. */
const BOOTH_WARMUP_FRAMES = faceSettingsSchema.parse({}).warmUpFrames;
const SETTLE_MS = 3000;
const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const work = mkdtempSync(join(tmpdir(), 'bench-face-'));

try {
  // The frames: every frame of the synthesized liveness loop, as JPEG files the page decodes once, untimed.
  const videos = await ensureFaceVideos();
  const framesDir = join(work, 'frames');
  mkdirSync(framesDir);
  const ffmpeg = spawnSync('ffmpeg', ['-loglevel', 'error', '-i', videos.liveness, '-q:v', '2', join(framesDir, '%03d.jpg')]);
  if (ffmpeg.status !== 0) throw new Error(`ffmpeg could not extract frames: ${ffmpeg.stderr}`);
  const frameFiles = readdirSync(framesDir).sort();

  await build({
    entryPoints: [join(root, 'bench/face-capture/page.ts')],
    bundle: true,
    format: 'esm',
    outfile: join(work, 'page.js'),
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
  });

  const humanDir = dirname(dirname(require.resolve('@vladmandic/human')));
  const server = await startStaticServer({
    pages: { '/': { type: 'text/html', body: '<!doctype html><script type="module" src="/page.js"></script>' } },
    mounts: {
      '/mediapipe/': join(dirname(require.resolve('@mediapipe/tasks-vision')), 'wasm'),
      '/models/': join(root, 'models'),
      '/human-models/': join(humanDir, 'models'),
      '/tfjs-wasm/': join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '..', 'dist'),
      '/frames/': framesDir,
      '/': work,
    },
  });
  const browser = await openBrowser({ width: 800, height: 600 });
  try {
    const page = browser.page;
    await page.goto(`${server.origin}/`);
    await page.waitForFunction('typeof globalThis.runFaceBench === "function"');
    const options = {
      frameUrls: frameFiles.map((f) => `/frames/${f}`),
      frames: FRAMES,
      warmup: WARMUP,
      boothWarmUpFrames: BOOTH_WARMUP_FRAMES,
      settleMs: SETTLE_MS,
    };
    const result = (await page.evaluate(`globalThis.runFaceBench(${JSON.stringify(options)})`)) as {
      booth: {
        ms: number[];
        oneFace: number;
        loadMs: number;
        scanMs: number[];
        landmarkerMs: number[];
        inputWidths: number[];
        warmUp: { frames: number; faceFrames: number; ms: number };
      };
      peer: { ms: number[]; oneFace: number; loadMs: number };
      width: number;
      height: number;
    };
    const stats = (ms: number[]) => {
      const sorted = [...ms].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
      const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
      return { p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), mean: round(mean), fps: round(1000 / mean, 1) };
    };
    const ours = stats(result.booth.ms);
    const theirs = stats(result.peer.ms);
    const figures = {
      frame_ms_p50: ours.p50,
      frame_ms_p95: ours.p95,
      frame_ms_p99: ours.p99,
      fps: ours.fps,
      peer_frame_ms_p50: theirs.p50,
      peer_frame_ms_p95: theirs.p95,
      peer_fps: theirs.fps,
      speedup_vs_peer: round(theirs.p95 / ours.p95, 2),
      landmarker_ms_p50: stats(result.booth.landmarkerMs).p50,
      landmarker_ms_p95: stats(result.booth.landmarkerMs).p95,
      scan_ms_p50: stats(result.booth.scanMs).p50,
      scan_ms_max: round(Math.max(...result.booth.scanMs)),
      scans: result.booth.scanMs.length,
      frames: result.booth.ms.length,
      resolution: `${result.width}x${result.height}`,
      // How many frames the landmarker saw at each input width (the frame scaled down to the face's size).
      landmarker_input_widths: Object.fromEntries(
        [...new Set(result.booth.inputWidths)]
          .sort((a, b) => a - b)
          .map((w) => [String(w), result.booth.inputWidths.filter((x) => x === w).length]),
      ),
      one_face_frames: result.booth.oneFace,
      peer_one_face_frames: result.peer.oneFace,
      model_load_ms: round(result.booth.loadMs),
      // The booth warms MediaPipe on its shipped picture while it waits for a citizen (src/renderer/face/faceEngine.ts).
      booth_warmup_frames: result.booth.warmUp.frames,
      booth_warmup_face_frames: result.booth.warmUp.faceFrames,
      booth_warmup_ms: round(result.booth.warmUp.ms),
      settle_ms: SETTLE_MS,
      peer_model_load_ms: round(result.peer.loadMs),
      goals: { frame_ms_p95: '<= 16', speedup_vs_peer: '>= 4' },
    };
    console.log(`face-capture at ${figures.resolution}, ${figures.frames} frames after ${WARMUP} camera frames:`);
    console.log(
      `  booth warm-up before a citizen: ${figures.booth_warmup_frames} frames of the shipped picture (face found in ${figures.booth_warmup_face_frames}) in ${figures.booth_warmup_ms} ms, then ${SETTLE_MS} ms idle`,
    );
    console.log(
      `  booth (detect + landmarks + quality):   p50 ${ours.p50} ms, p95 ${ours.p95} ms, p99 ${ours.p99} ms, ${ours.fps} fps, one face in ${result.booth.oneFace} frames`,
    );
    console.log(
      `  peer  (@vladmandic/human face, tfjs wasm):        p50 ${theirs.p50} ms, p95 ${theirs.p95} ms, ${theirs.fps} fps, one face in ${result.peer.oneFace} frames`,
    );
    console.log(`  of which MediaPipe's FaceLandmarker call: p50 ${figures.landmarker_ms_p50} ms, p95 ${figures.landmarker_ms_p95} ms`);
    console.log(`  landmarker input widths (px: frames): ${JSON.stringify(figures.landmarker_input_widths)}`);
    console.log(
      `  second-face scan, once a second between frames: ${figures.scans} scans, p50 ${figures.scan_ms_p50} ms, max ${figures.scan_ms_max} ms`,
    );
    console.log(`  speedup vs peer (p95): ${figures.speedup_vs_peer}× (goal ≥ 4); p95 goal ≤ 16 ms`);
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/face-capture.json'), JSON.stringify(figures, null, 2) + '\n');
  } finally {
    await browser.close();
    await server.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

function round(value: number, digits = 2): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}
