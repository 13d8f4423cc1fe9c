// Alignment: the detector's keypoints mapped by a similarity transform
// (rotation, uniform scale, shift) onto where dlib puts the same features
// in the 150×150 chip its face ResNet was trained on, so a small old chip
// photo and a live camera crop meet the embedding model in one geometry.
//
// The targets come from dlib's mean face shape (the 68-point average that
// dlib's get_face_chip_details maps landmarks onto, in
// dlib/image_transforms/interpolation.h), taken at the features BlazeFace
// gives: each eye's centre (mean of its six points, 36–41 and 42–47), the
// nose tip (point 30) and the mouth's centre (mean of the outer lip, 48–59).
// dlib's chip for the ResNet is get_face_chip(img, shape, 150, 0.25): a
// shape point p in [0, 1] lands at (0.25 + p) / 1.5 · 150 pixels.
// Pure: the pixels are sampled by resample.ts.
import type { RgbImage } from '../pictures';
import type { DetectedFace, Point } from './detection';
import { warp, type Affine } from './resample';

export const CHIP_SIZE = 150;
const PADDING = 0.25;

/** dlib's mean-shape positions (0–1) of the features BlazeFace finds. */
const MEAN_SHAPE = {
  /** The eye on the picture's left: the subject's right eye. */
  rightEye: { x: 0.225492, y: 0.21599 },
  leftEye: { x: 0.754761, y: 0.21599 },
  noseTip: { x: 0.490127, y: 0.515625 },
  mouth: { x: 0.490127, y: 0.807659 },
} as const;

type AlignedFeature = keyof typeof MEAN_SHAPE;
/** Eyes count twice: they are the detector's surest points and carry the roll. */
const WEIGHTS: Record<AlignedFeature, number> = { rightEye: 2, leftEye: 2, noseTip: 1, mouth: 1 };

/** Where each feature lands in the chip, pixels. */
export const CHIP_TARGETS: Record<AlignedFeature, Point> = Object.fromEntries(
  Object.entries(MEAN_SHAPE).map(([k, p]) => [
    k,
    { x: ((PADDING + p.x) / (1 + 2 * PADDING)) * CHIP_SIZE, y: ((PADDING + p.y) / (1 + 2 * PADDING)) * CHIP_SIZE },
  ]),
) as Record<AlignedFeature, Point>;

/**
 * The weighted least-squares similarity taking chip points to picture points
 * (picture = [a −b; b a] · chip + t): chip pixel centres → where to sample.
 */
export function chipToPicture(face: DetectedFace): Affine {
  const features = Object.keys(MEAN_SHAPE) as AlignedFeature[];
  const total = features.reduce((s, k) => s + WEIGHTS[k], 0);
  const mean = (pick: (k: AlignedFeature) => Point) => ({
    x: features.reduce((s, k) => s + pick(k).x * WEIGHTS[k], 0) / total,
    y: features.reduce((s, k) => s + pick(k).y * WEIGHTS[k], 0) / total,
  });
  const chipMean = mean((k) => CHIP_TARGETS[k]);
  const picMean = mean((k) => face.keypoints[k]);
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (const k of features) {
    const c = { x: CHIP_TARGETS[k].x - chipMean.x, y: CHIP_TARGETS[k].y - chipMean.y };
    const p = { x: face.keypoints[k].x - picMean.x, y: face.keypoints[k].y - picMean.y };
    dot += WEIGHTS[k] * (c.x * p.x + c.y * p.y);
    cross += WEIGHTS[k] * (c.x * p.y - c.y * p.x);
    norm += WEIGHTS[k] * (c.x * c.x + c.y * c.y);
  }
  const a = dot / norm;
  const b = cross / norm;
  return { a, b: -b, c: picMean.x - a * chipMean.x + b * chipMean.y, d: b, e: a, f: picMean.y - b * chipMean.x - a * chipMean.y };
}

/** The face's 150×150 chip, float RGB 0–255 (NHWC), and how many picture pixels one chip pixel spans. */
export function alignFace(image: RgbImage, face: DetectedFace): { chip: Float32Array; scale: number } {
  const m = chipToPicture(face);
  const scale = Math.hypot(m.a, m.d);
  // Outside the picture reads as mid grey, not black: a face at the picture's edge keeps its contrast.
  return { chip: warp(image, CHIP_SIZE, CHIP_SIZE, m, scale, 128), scale };
}
