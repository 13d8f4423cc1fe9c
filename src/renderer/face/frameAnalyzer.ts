// One camera frame → landmarks → the measures the quality gate and the
// liveness judge read. Pixel measures come from a fixed 96 × 96 crop of the
// face, so they do not depend on how close the citizen stands. The
// landmarker gets a scaled-down copy of the frame, as small as keeps the
// face detail its mesh window uses (shared/face/inputSize.ts); its
// landmarks are normalized, so the geometry still maps onto the full frame.
import type { FaceModels } from './landmarker';
import { faceGeometry, type FaceGeometry } from '../../shared/face/geometry';
import { landmarkInputSize, type Size } from '../../shared/face/inputSize';
import { mesh, type Point3 } from '../../shared/face/landmarks';
import {
  cropLuma,
  illuminationUniformity,
  laplacianVariance,
  lumaStats,
  meanRgb,
  toLuma,
  type LumaImage,
  type Rect,
  type RgbaImage,
} from '../../shared/face/pixels';
import { motionPerFrame, type FrameMeasures } from '../../shared/face/quality';

const CROP = 96;
/** How often the detector looks for anyone else in view (a second face costs a detector run). */
const SCAN_EVERY_MS = 1000;
/**
 * The scan runs on a 160-pixel-wide copy: the short-range detector looks at
 * 128 × 128 anyway, and converting a small frame costs a fraction of a full one.
 */
const SCAN_WIDTH = 160;

/** A camera frame: the live video element, or a canvas (the benchmark's recorded frames). */
export type FrameSource = HTMLVideoElement | HTMLCanvasElement;

export function frameSize(source: FrameSource): { width: number; height: number } {
  return source instanceof HTMLVideoElement
    ? { width: source.videoWidth, height: source.videoHeight }
    : { width: source.width, height: source.height };
}

export interface FrameAnalysis {
  measures: FrameMeasures;
  geometry?: FaceGeometry;
  width: number;
  height: number;
}

export class FrameAnalyzer {
  readonly #crop = document.createElement('canvas');
  readonly #cropContext: CanvasRenderingContext2D;
  readonly #scanCanvas = document.createElement('canvas');
  /** The landmarker's scaled copy of the frame. */
  readonly #input = document.createElement('canvas');
  #inputSize: Size | null = null;
  /** The last frame analysed, for the scan that follows it. */
  #source: FrameSource | null = null;
  #previous: FaceGeometry | null = null;
  #previousAt = 0;
  #lastScan = -Infinity;
  #othersInView = false;

  constructor(private readonly models: FaceModels) {
    this.#crop.width = CROP;
    this.#crop.height = CROP;
    this.#cropContext = this.#crop.getContext('2d', { willReadFrequently: true })!;
  }

  /** Landmarks and every quality measure of one frame. */
  analyze(source: FrameSource, timestamp: number): FrameAnalysis {
    const { width, height } = frameSize(source);
    const result = this.models.landmarker.detectForVideo(
      this.#landmarkInput(source, { width, height }),
      this.models.landmarkerTime.next(timestamp),
    );
    this.#source = source;
    const tracked = result.faceLandmarks.length;
    const faces = tracked === 0 ? 0 : this.#othersInView ? 2 : 1;
    if (faces !== 1) {
      this.#previous = null;
      return { measures: { faces }, width, height };
    }
    const points = result.faceLandmarks[0] as Point3[];
    const geometry = faceGeometry(points, { width, height });
    const previous = this.#previous;
    const previousAt = this.#previousAt;
    this.#previous = geometry;
    this.#previousAt = timestamp;
    const shift = previous ? Math.hypot(centre(geometry).x - centre(previous).x, centre(geometry).y - centre(previous).y) : 0;
    const motion = previous ? motionPerFrame(shift, geometry.interEyePx, timestamp - previousAt) : undefined;
    // Only the face box is read back from the frame, already at the measuring size.
    this.#cropContext.drawImage(source, geometry.box.x, geometry.box.y, geometry.box.width, geometry.box.height, 0, 0, CROP, CROP);
    const crop = this.#cropContext.getImageData(0, 0, CROP, CROP);
    return { measures: { faces, geometry, pixels: pixelMeasures(crop, width, height, geometry, points), motion }, geometry, width, height };
  }

  /** The frame, scaled for the landmarker by the size of the face it tracked last; the frame itself at full size. */
  #landmarkInput(source: FrameSource, frame: Size): FrameSource {
    const size = landmarkInputSize(frame, this.#previous ? this.#previous.box.height : null, this.#inputSize);
    this.#inputSize = size;
    if (size.width >= frame.width) return source;
    const input = this.#input;
    if (input.width !== size.width || input.height !== size.height) {
      input.width = size.width;
      input.height = size.height;
    }
    input.getContext('2d', { alpha: false })!.drawImage(source, 0, 0, size.width, size.height);
    return input;
  }

  /** The input size of the last frame, for the benchmark's figures. */
  get inputSize(): Size | null {
    return this.#inputSize;
  }

  /**
   * Looks for anyone else in view, at most once a second, on the last frame.
   * The landmarker tracks one face; this is the detector's full look. The
   * loop runs it in the idle time after a frame, so it never delays a prompt.
   * Returns the milliseconds it took (0 when not due).
   */
  scanIfDue(timestamp: number): number {
    const source = this.#source;
    if (!source || timestamp - this.#lastScan < SCAN_EVERY_MS) return 0;
    const started = performance.now();
    this.#lastScan = timestamp;
    const { width, height } = frameSize(source);
    const scan = this.#scanCanvas;
    scan.width = SCAN_WIDTH;
    scan.height = Math.round((SCAN_WIDTH * height) / Math.max(1, width));
    scan.getContext('2d')!.drawImage(source, 0, 0, scan.width, scan.height);
    this.#othersInView = this.models.detector.detectForVideo(scan, this.models.detectorTime.next(timestamp)).detections.length > 1;
    return performance.now() - started;
  }

  /** Frees the frame buffers. */
  dispose(): void {
    for (const canvas of [this.#crop, this.#scanCanvas, this.#input]) {
      canvas.width = 0;
      canvas.height = 0;
    }
    this.#source = null;
  }
}

/** Measures the face crop (the face box drawn at CROP × CROP). */
function pixelMeasures(crop: RgbaImage, width: number, height: number, g: FaceGeometry, points: Point3[]): FrameMeasures['pixels'] {
  const { box } = g;
  const toCrop = (p: Point3) => ({ x: ((p.x * width - box.x) / box.width) * CROP, y: ((p.y * height - box.y) / box.height) * CROP });
  const at = (i: number) => toCrop(points[i]!);
  const luma = toLuma(crop);
  // The box's corners are background: judge light on the face's middle.
  const inner: Rect = { x: CROP * 0.15, y: CROP * 0.1, width: CROP * 0.7, height: CROP * 0.8 };
  const eyes = [eyeRect(at(mesh.rightEye.outer), at(mesh.rightEye.inner)), eyeRect(at(mesh.leftEye.outer), at(mesh.leftEye.inner))];
  const cheeks = [below(eyes[0]!), below(eyes[1]!)];
  const mouth = at(mesh.upperLipInner);
  const chin = at(mesh.chin);
  const lower: Rect = {
    x: at(mesh.mouthRight).x,
    y: mouth.y,
    width: at(mesh.mouthLeft).x - at(mesh.mouthRight).x,
    height: Math.max(2, chin.y - mouth.y),
  };
  const eyeLuma = mean(eyes.map((r) => lumaStats(luma, r).mean));
  const cheekLuma = mean(cheeks.map((r) => lumaStats(luma, r).mean));
  // A mask covers the cheeks too: the lower face is compared with the forehead's skin.
  const top = at(mesh.forehead);
  const eyeTop = Math.min(eyes[0]!.y, eyes[1]!.y);
  const foreheadX = eyes[0]!.x + eyes[0]!.width / 2;
  const forehead: Rect = {
    x: foreheadX,
    y: top.y + (eyeTop - top.y) * 0.3,
    width: eyes[1]!.x + eyes[1]!.width / 2 - foreheadX,
    height: (eyeTop - top.y) * 0.35,
  };
  const mask = maskScore(crop, luma, forehead, lower);
  return {
    luma: lumaStats(luma, inner),
    uniformity: illuminationUniformity(cropLuma(luma, inner)),
    sharpness: laplacianVariance(luma),
    eyeToCheekLuma: cheekLuma > 0 ? eyeLuma / cheekLuma : 0,
    maskScore: mask,
  };
}

/**
 * How much less red the mouth-and-chin region is than the forehead, ×100.
 * Skin of every tone has red above blue, lips more so; blue, white and black
 * masks do not. A beard can lose redness too, but it is full of texture where
 * a mask is smooth, so a textured lower face scores 0.
 */
function maskScore(crop: RgbaImage, luma: LumaImage, forehead: Rect, lower: Rect): number {
  const skin = meanRgb(crop, forehead);
  const below = meanRgb(crop, lower);
  // A region outside the crop (face at the frame edge) is not evidence of a mask.
  if (!skin || !below || forehead.width < 3 || forehead.height < 3 || lower.width < 3 || lower.height < 3) return 0;
  const redness = ([r, g, b]: [number, number, number]) => (r - b) / Math.max(1, r + g + b);
  const textured = laplacianVariance(cropLuma(luma, lower)) > 3 * Math.max(20, laplacianVariance(cropLuma(luma, forehead)));
  return textured ? 0 : Math.max(0, 100 * (redness(skin) - redness(below)));
}

function centre(g: FaceGeometry) {
  return { x: g.box.x + g.box.width / 2, y: g.box.y + g.box.height / 2 };
}

/** The eye's own box: its width, and half of it above and below the corners' line. */
function eyeRect(a: { x: number; y: number }, b: { x: number; y: number }): Rect {
  const w = Math.abs(b.x - a.x);
  return { x: Math.min(a.x, b.x), y: (a.y + b.y) / 2 - w * 0.35, width: w, height: w * 0.7 };
}

function below(eye: Rect): Rect {
  return { x: eye.x, y: eye.y + eye.height * 1.6, width: eye.width, height: eye.height };
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}
