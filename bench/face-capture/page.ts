// Runs in Chromium for `npm run bench -- face-capture`: the booth's own
// per-frame pipeline (FaceLandmarker + second-face scan + quality measures
// and gate) and, on the very same frames, @vladmandic/human's face pipeline
// (BlazeFace + FaceMesh + Iris on the tfjs wasm backend) as the peer.
import { Human, type Config } from '@vladmandic/human';
import { judgeFrame, qualityThresholdsSchema } from '../../src/shared/face/quality';
import { FrameAnalyzer } from '../../src/renderer/face/frameAnalyzer';
import { FaceEngine } from '../../src/renderer/face/faceEngine';

export interface PipelineFigures {
  /** Milliseconds per frame, after warm-up. */
  ms: number[];
  /** The booth's once-a-second second-face scans (idle time between frames). */
  scanMs?: number[];
  /** The MediaPipe FaceLandmarker call alone, per frame. */
  landmarkerMs?: number[];
  /** The landmarker's input width per frame (the booth scales the frame down by the face's size). */
  inputWidths?: number[];
  /** Frames in which the pipeline found exactly one face. */
  oneFace: number;
  loadMs: number;
  /** The booth's warm-up before the first citizen (booth only). */
  warmUp?: { frames: number; faceFrames: number; ms: number };
}

interface BenchOptions {
  frameUrls: string[];
  frames: number;
  warmup: number;
  /** The booth's own warm-up (face.warmUpFrames) and the pause until a citizen reaches the face step. */
  boothWarmUpFrames: number;
  settleMs: number;
}

async function loadFrames(urls: string[]): Promise<ImageBitmap[]> {
  return Promise.all(urls.map(async (url) => createImageBitmap(await (await fetch(url)).blob())));
}

/** Draws frame i into the canvas: the "camera", not timed. */
function show(canvas: HTMLCanvasElement, bitmaps: ImageBitmap[], i: number): void {
  canvas.getContext('2d')!.drawImage(bitmaps[i % bitmaps.length]!, 0, 0);
}

async function booth(canvas: HTMLCanvasElement, bitmaps: ImageBitmap[], options: BenchOptions): Promise<PipelineFigures> {
  const engine = new FaceEngine({
    wasmBase: '/mediapipe/',
    modelUrl: '/models/face_landmarker.task',
    detectorUrl: '/models/face_detector.tflite',
    pictureUrl: '/models/warmup-face.jpg',
  });
  const started = performance.now();
  const models = await engine.models();
  const loadMs = performance.now() - started;
  // What the booth's screen does while it waits for a citizen (App.tsx): the
  // shipped picture through the same per-frame work. A citizen reaches the
  // face step a minute or more later (consent, card, email, phone, review);
  // the pause stands in for that, and for the background compiles it allows.
  const warmUp = await engine.warmUp(options.boothWarmUpFrames);
  await new Promise((resolve) => setTimeout(resolve, options.settleMs));
  const models2 = await engine.acquire();
  if (models2 !== models) throw new Error('the engine loaded its models twice');
  // Time MediaPipe's own call inside each frame too, to show where the frame time goes.
  const landmarkerMs: number[] = [];
  const detect = models.landmarker.detectForVideo.bind(models.landmarker);
  models.landmarker.detectForVideo = ((...args: Parameters<typeof detect>) => {
    const t0 = performance.now();
    const result = detect(...args);
    landmarkerMs.push(performance.now() - t0);
    return result;
  }) as typeof detect;
  const analyzer = new FrameAnalyzer(models);
  const thresholds = qualityThresholdsSchema.parse({});
  const ms: number[] = [];
  const scanMs: number[] = [];
  const inputWidths: number[] = [];
  let oneFace = 0;
  // A 30 fps camera's timestamps, so tracking and the 1 s scan behave as live (on the page's clock, after the warm-up's).
  const base = performance.now();
  for (let i = 0; i < options.warmup + options.frames; i++) {
    show(canvas, bitmaps, i);
    const t0 = performance.now();
    const analysis = analyzer.analyze(canvas, base + i * 33.3);
    judgeFrame(analysis.measures, thresholds);
    const elapsed = performance.now() - t0;
    // The second-face scan runs in the idle gap after a frame, as in the booth's loop: timed on its own.
    const scan = analyzer.scanIfDue(base + i * 33.3);
    if (i >= options.warmup) {
      ms.push(elapsed);
      inputWidths.push(analyzer.inputSize?.width ?? 0);
      if (scan > 0) scanMs.push(scan);
      if (analysis.measures.faces === 1) oneFace++;
    }
  }
  analyzer.dispose();
  engine.discard();
  return {
    ms,
    oneFace,
    loadMs,
    scanMs,
    inputWidths,
    landmarkerMs: landmarkerMs.slice(options.warmup),
    warmUp: { frames: warmUp.frames, faceFrames: warmUp.faceFrames, ms: warmUp.ms },
  };
}

async function peer(canvas: HTMLCanvasElement, bitmaps: ImageBitmap[], options: BenchOptions): Promise<PipelineFigures> {
  const config: Partial<Config> = {
    backend: 'wasm',
    wasmPath: '/tfjs-wasm/',
    modelBasePath: '/human-models/',
    // Process every frame: no skipping of frames that look unchanged.
    cacheSensitivity: 0,
    debug: false,
    async: true,
    warmup: 'none',
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: 2 },
      mesh: { enabled: true },
      iris: { enabled: true },
      description: { enabled: false },
      emotion: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  } as Partial<Config>;
  const human = new Human(config);
  const started = performance.now();
  await human.load();
  const loadMs = performance.now() - started;
  const ms: number[] = [];
  let oneFace = 0;
  for (let i = 0; i < options.warmup + options.frames; i++) {
    show(canvas, bitmaps, i);
    const t0 = performance.now();
    const result = await human.detect(canvas);
    const elapsed = performance.now() - t0;
    if (i >= options.warmup) {
      ms.push(elapsed);
      if (result.face.length === 1) oneFace++;
    }
  }
  return { ms, oneFace, loadMs };
}

async function run(options: BenchOptions): Promise<{ booth: PipelineFigures; peer: PipelineFigures; width: number; height: number }> {
  const bitmaps = await loadFrames(options.frameUrls);
  const canvas = document.createElement('canvas');
  canvas.width = bitmaps[0]!.width;
  canvas.height = bitmaps[0]!.height;
  const ours = await booth(canvas, bitmaps, options);
  const theirs = await peer(canvas, bitmaps, options);
  return { booth: ours, peer: theirs, width: canvas.width, height: canvas.height };
}

(globalThis as unknown as { runFaceBench: typeof run }).runFaceBench = run;
