// The page's face engine: MediaPipe's landmarker and detector, loaded once
// and kept for the page's life, warmed up on a shipped picture while the
// booth waits for a citizen, and lent to each face step.
//
// Why warm up: Chromium's WebAssembly engine first runs MediaPipe's code from
// a quick baseline compile and recompiles each function with its optimising
// compiler, in background threads, only once that function has run a while.
// On a two-core booth PC that recompilation competes with the camera loop:
// over the first ~200 frames after loading, frames of 20 to 50 ms come among
// 9 ms ones and the guidance stutters (`npm run bench -- face-capture`).
// Running the picture through the same per-frame work before anyone arrives
// moves that cost to idle time. Why keep: V8 drops the optimised code with
// the last instance of the module, so closing the models after a citizen
// would make the next one pay again.
//
// Between citizens `release()` runs the picture once more through both
// tasks, so MediaPipe's input buffers hold the picture rather than the last
// citizen's face, and tracking starts afresh.
import { FACE_DETECTOR_URL, FACE_MODEL_URL, FACE_WARMUP_PICTURE_URL, FACE_WASM_BASE, WARMUP_PICTURE } from '../../shared/face/assets';
import { judgeFrame, qualityThresholdsSchema } from '../../shared/face/quality';
import { FrameAnalyzer } from './frameAnalyzer';
import { loadFaceModels, type FaceModels } from './landmarker';

/** Where the engine loads from, on the booth's own origin. */
export interface FaceAssets {
  wasmBase: string;
  modelUrl: string;
  detectorUrl: string;
  pictureUrl: string;
}

export const boothFaceAssets: FaceAssets = {
  wasmBase: FACE_WASM_BASE,
  modelUrl: FACE_MODEL_URL,
  detectorUrl: FACE_DETECTOR_URL,
  pictureUrl: FACE_WARMUP_PICTURE_URL,
};

export interface WarmUpReport {
  /** Frames run. */
  frames: number;
  /** Of them, frames in which the landmarker found the picture's face (the others are blank on purpose, or it missed). */
  faceFrames: number;
  ms: number;
  /** A face step began first and the warm-up gave way. */
  stopped: boolean;
}

/** The warm-up frame: the camera's default size, the face about as large as a citizen's at arm's length. */
const FRAME = { width: 640, height: 480 };
const FACE_HEIGHT = 300;
/** Every this many frames the face is left out, so that MediaPipe's own detector (it runs when tracking is lost) warms up too. */
const BLANK_EVERY = 10;
const BACKGROUND = '#8c8c8c';

export class FaceEngine {
  #models: Promise<FaceModels> | null = null;
  #warmUp: Promise<WarmUpReport> | null = null;
  #stopWarmUp = false;
  #frame: Promise<HTMLCanvasElement> | null = null;

  constructor(readonly assets: FaceAssets) {}

  /** The models, loaded on first use and kept; a failed load is retried next time. */
  models(): Promise<FaceModels> {
    if (!this.#models) {
      const loading = loadFaceModels(this.assets.wasmBase, this.assets.modelUrl, this.assets.detectorUrl);
      this.#models = loading;
      loading.catch(() => {
        if (this.#models === loading) this.#models = null;
      });
    }
    return this.#models;
  }

  /**
   * Runs `frames` frames of the warm-up picture through the face step's own
   * per-frame work (landmarks, pixel measures, quality gate, the scan for a
   * second face), one frame per task so the screen stays responsive. Once
   * per page: later calls get the first run's report.
   */
  warmUp(frames: number): Promise<WarmUpReport> {
    this.#warmUp ??= this.#runWarmUp(frames);
    return this.#warmUp;
  }

  /** For a face step: stops a warm-up still running and hands over the models. */
  async acquire(): Promise<FaceModels> {
    this.#stopWarmUp = true;
    await this.#warmUp?.catch(() => undefined);
    return this.models();
  }

  /** After a face step: the picture once more through both tasks, over the citizen's last frame. */
  async release(): Promise<void> {
    if (!this.#models) return;
    const models = await this.#models.catch(() => null);
    if (!models) return;
    const frame = await this.#warmUpFrame().catch(() => blankFrame());
    const analyzer = new FrameAnalyzer(models);
    try {
      analyzer.analyze(frame, performance.now());
      analyzer.scanIfDue(performance.now());
    } catch {
      // MediaPipe failed: the next step loads afresh.
      this.discard();
    } finally {
      analyzer.dispose();
    }
  }

  /** MediaPipe failed: close the models; the next step loads them afresh. */
  discard(): void {
    const models = this.#models;
    this.#models = null;
    void models?.then(
      (loaded) => {
        loaded.landmarker.close();
        loaded.detector.close();
      },
      () => undefined,
    );
  }

  async #runWarmUp(frames: number): Promise<WarmUpReport> {
    const started = performance.now();
    const [models, frame] = await Promise.all([this.models(), this.#warmUpFrame()]);
    const blank = blankFrame();
    const analyzer = new FrameAnalyzer(models);
    const thresholds = qualityThresholdsSchema.parse({});
    let done = 0;
    let faceFrames = 0;
    try {
      while (done < frames && !this.#stopWarmUp) {
        const source = done % BLANK_EVERY === BLANK_EVERY - 1 ? blank : frame;
        const { measures } = analyzer.analyze(source, performance.now());
        judgeFrame(measures, thresholds);
        if (measures.faces === 1) faceFrames++;
        analyzer.scanIfDue(performance.now());
        done++;
        await nextTask();
      }
    } finally {
      analyzer.dispose();
      blank.width = 0;
    }
    return { frames: done, faceFrames, ms: performance.now() - started, stopped: done < frames };
  }

  #warmUpFrame(): Promise<HTMLCanvasElement> {
    this.#frame ??= drawWarmUpFrame(this.assets.pictureUrl);
    this.#frame.catch(() => (this.#frame = null));
    return this.#frame;
  }
}

async function drawWarmUpFrame(url: string): Promise<HTMLCanvasElement> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`The warm-up picture ${url} could not be loaded (HTTP ${response.status}).`);
  const picture = await createImageBitmap(await response.blob());
  const canvas = blankFrame();
  const face = WARMUP_PICTURE.face;
  const width = (FACE_HEIGHT * face.width) / face.height;
  canvas
    .getContext('2d')!
    .drawImage(
      picture,
      face.x,
      face.y,
      face.width,
      face.height,
      (FRAME.width - width) / 2,
      (FRAME.height - FACE_HEIGHT) / 2,
      width,
      FACE_HEIGHT,
    );
  picture.close();
  return canvas;
}

function blankFrame(): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = FRAME.width;
  canvas.height = FRAME.height;
  const context = canvas.getContext('2d')!;
  context.fillStyle = BACKGROUND;
  context.fillRect(0, 0, FRAME.width, FRAME.height);
  return canvas;
}

/** Lets the page handle input and paint between frames: a message task, which (unlike a repeated setTimeout) is not held back 4 ms. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

let pageEngine: FaceEngine | null = null;

/** The one engine of this page (a new one if the assets ever differ). */
export function pageFaceEngine(assets: FaceAssets = boothFaceAssets): FaceEngine {
  const current = pageEngine;
  if (current && (Object.keys(assets) as Array<keyof FaceAssets>).every((key) => current.assets[key] === assets[key])) return current;
  current?.discard();
  pageEngine = new FaceEngine(assets);
  return pageEngine;
}
