// One camera frame → landmarks → the measures the quality gate and the
// liveness judge read. Pixel measures come from a fixed 96 × 96 crop of the
// face, so they do not depend on how close the citizen stands.
import type { FaceLandmarker } from '@mediapipe/tasks-vision';
import { faceGeometry, type FaceGeometry } from '../../shared/face/geometry';
import { mesh, type Point3 } from '../../shared/face/landmarks';
import { illuminationUniformity, laplacianVariance, lumaStats, meanRgb, toLuma, type Rect } from '../../shared/face/pixels';
import type { FrameMeasures } from '../../shared/face/quality';

const CROP = 96;

export interface FrameAnalysis {
  measures: FrameMeasures;
  geometry?: FaceGeometry;
  width: number;
  height: number;
}

export class FrameAnalyzer {
  readonly #canvas = document.createElement('canvas');
  readonly #context: CanvasRenderingContext2D;
  #previous: FaceGeometry | null = null;

  constructor(private readonly landmarker: FaceLandmarker) {
    this.#canvas.width = CROP;
    this.#canvas.height = CROP;
    this.#context = this.#canvas.getContext('2d', { willReadFrequently: true })!;
  }

  analyze(video: HTMLVideoElement, timestamp: number): FrameAnalysis {
    const width = video.videoWidth;
    const height = video.videoHeight;
    const result = this.landmarker.detectForVideo(video, timestamp);
    const faces = result.faceLandmarks.length;
    if (faces !== 1) {
      this.#previous = null;
      return { measures: { faces }, width, height };
    }
    const points = result.faceLandmarks[0] as Point3[];
    const geometry = faceGeometry(points, { width, height });
    const previous = this.#previous;
    this.#previous = geometry;
    const motion = previous ? Math.hypot(centre(geometry).x - centre(previous).x, centre(geometry).y - centre(previous).y) / Math.max(1, geometry.interEyePx) : undefined;
    return { measures: { faces, geometry, pixels: this.#pixels(video, geometry, points, width, height), motion }, geometry, width, height };
  }

  /** Frees the crop buffer. */
  dispose(): void {
    this.#canvas.width = 0;
    this.#canvas.height = 0;
  }

  #pixels(video: HTMLVideoElement, g: FaceGeometry, points: Point3[], width: number, height: number): FrameMeasures['pixels'] {
    const { box } = g;
    this.#context.drawImage(video, box.x, box.y, box.width, box.height, 0, 0, CROP, CROP);
    const image = this.#context.getImageData(0, 0, CROP, CROP);
    const toCrop = (p: Point3) => ({ x: ((p.x * width - box.x) / box.width) * CROP, y: ((p.y * height - box.y) / box.height) * CROP });
    const at = (i: number) => toCrop(points[i]!);
    const luma = toLuma(image);
    // The box's corners are background: judge light on the face's middle.
    const inner: Rect = { x: CROP * 0.15, y: CROP * 0.1, width: CROP * 0.7, height: CROP * 0.8 };
    const eyes = [eyeRect(at(mesh.rightEye.outer), at(mesh.rightEye.inner)), eyeRect(at(mesh.leftEye.outer), at(mesh.leftEye.inner))];
    const cheeks = [below(eyes[0]!), below(eyes[1]!)];
    const mouth = at(mesh.upperLipInner);
    const chin = at(mesh.chin);
    const lower: Rect = { x: at(mesh.mouthRight).x, y: mouth.y, width: at(mesh.mouthLeft).x - at(mesh.mouthRight).x, height: Math.max(2, chin.y - mouth.y) };
    const eyeLuma = mean(eyes.map((r) => lumaStats(luma, r).mean));
    const cheekLuma = mean(cheeks.map((r) => lumaStats(luma, r).mean));
    const cheekRgb = averageRgb(cheeks.map((r) => meanRgb(image, r)));
    const lowerRgb = meanRgb(image, lower);
    // A region outside the crop (face at the frame edge) is not evidence of a mask.
    const lowerDistance = lowerRgb && cheekRgb ? Math.hypot(lowerRgb[0] - cheekRgb[0], lowerRgb[1] - cheekRgb[1], lowerRgb[2] - cheekRgb[2]) : 0;
    return {
      luma: lumaStats(luma, inner),
      uniformity: illuminationUniformity(cropLuma(luma, inner)),
      sharpness: laplacianVariance(luma),
      eyeToCheekLuma: cheekLuma > 0 ? eyeLuma / cheekLuma : 0,
      lowerFaceColourDistance: lowerDistance,
    };
  }
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

function averageRgb(colours: Array<[number, number, number] | null>): [number, number, number] | null {
  const known = colours.filter((c): c is [number, number, number] => c !== null);
  if (known.length === 0) return null;
  return [mean(known.map((c) => c[0])), mean(known.map((c) => c[1])), mean(known.map((c) => c[2]))];
}

function cropLuma(luma: { width: number; data: Uint8Array }, r: Rect) {
  const x0 = Math.round(r.x);
  const y0 = Math.round(r.y);
  const w = Math.round(r.width);
  const h = Math.round(r.height);
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) data.set(luma.data.subarray((y0 + y) * luma.width + x0, (y0 + y) * luma.width + x0 + w), y * w);
  return { width: w, height: h, data };
}
