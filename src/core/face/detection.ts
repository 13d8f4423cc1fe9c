// Decoding the short-range BlazeFace detector's output (models/face_detector.onnx)
// into faces with six keypoints, as MediaPipe's face_detection_short_range
// graph does: 896 SSD anchors on a 16×16 grid (2 per cell, stride 8) and an
// 8×8 grid (6 per cell, strides 16, 16, 16 merged), boxes and keypoints
// offset from the anchor centre in input pixels, a sigmoid score, and
// weighted non-maximum suppression (overlapping boxes averaged by score).
// Pure: the network runs elsewhere (faceEngine.ts).

/** The detector's square input, pixels. */
export const DETECTOR_INPUT = 128;
export const ANCHOR_COUNT = 896;
/** Values per anchor: box centre x, y, width, height, then (x, y) for each keypoint. */
const VALUES_PER_ANCHOR = 16;
export const KEYPOINTS = ['rightEye', 'leftEye', 'noseTip', 'mouth', 'rightEar', 'leftEar'] as const;
export type KeypointName = (typeof KEYPOINTS)[number];

export interface Point {
  x: number;
  y: number;
}

export interface DetectedFace {
  /** Sigmoid of the network's logit, 0 to 1. */
  score: number;
  /** Box in the coordinates the caller asked for (pixels of the picture, after `toPicture`). */
  box: { x: number; y: number; width: number; height: number };
  /**
   * The subject's right eye (on the picture's left), left eye, nose tip, mouth centre, right and left ear tragion.
   * The "right" is the person's, as MediaPipe names them.
   */
  keypoints: Record<KeypointName, Point>;
}

/** Anchor centres in [0, 1], in the network's output order. */
export function blazeFaceAnchors(): Float32Array {
  const anchors: number[] = [];
  // MediaPipe's SsdAnchorsCalculator with fixed_anchor_size: layers at strides 8, 16, 16, 16; equal strides merge into one grid.
  for (const [stride, perCell] of [
    [8, 2],
    [16, 6],
  ] as const) {
    const cells = Math.ceil(DETECTOR_INPUT / stride);
    for (let y = 0; y < cells; y++)
      for (let x = 0; x < cells; x++) for (let k = 0; k < perCell; k++) anchors.push((x + 0.5) / cells, (y + 0.5) / cells);
  }
  return new Float32Array(anchors);
}

const ANCHORS = blazeFaceAnchors();

export interface DecodeOptions {
  /** Faces scoring below this are dropped (MediaPipe's short-range graph uses 0.5). */
  minScore: number;
  /** Boxes overlapping more than this (intersection over union) are one face. */
  overlap: number;
  /** Maps a point of the 128×128 input to the picture's pixels (undoing the letterbox). */
  toPicture: (p: Point) => Point;
}

/**
 * Turns `regressors` [896 × 16] and `scores` [896] into faces, best first.
 * Non-finite outputs are refused (a broken model or runtime), never decoded.
 */
export function decodeDetections(regressors: Float32Array, scores: Float32Array, options: DecodeOptions): DetectedFace[] {
  if (regressors.length !== ANCHOR_COUNT * VALUES_PER_ANCHOR || scores.length !== ANCHOR_COUNT)
    throw new Error(
      `The detector gave ${regressors.length} and ${scores.length} values; expected ${ANCHOR_COUNT * 16} and ${ANCHOR_COUNT}.`,
    );
  const candidates: { score: number; values: number[] }[] = [];
  for (let a = 0; a < ANCHOR_COUNT; a++) {
    const logit = scores[a] as number;
    if (!Number.isFinite(logit)) throw new Error('The detector gave a non-finite score.');
    const score = 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, logit))));
    if (score < options.minScore) continue;
    const ax = (ANCHORS[a * 2] as number) * DETECTOR_INPUT;
    const ay = (ANCHORS[a * 2 + 1] as number) * DETECTOR_INPUT;
    const values: number[] = [];
    for (let i = 0; i < VALUES_PER_ANCHOR; i++) {
      const v = regressors[a * VALUES_PER_ANCHOR + i] as number;
      if (!Number.isFinite(v)) throw new Error('The detector gave a non-finite box.');
      // Width and height are sizes; every other value is an offset from the anchor centre.
      values.push(i === 2 || i === 3 ? v : v + (i % 2 === 0 ? ax : ay));
    }
    candidates.push({ score, values });
  }
  candidates.sort((p, q) => q.score - p.score);
  const faces: DetectedFace[] = [];
  while (candidates.length > 0) {
    const best = candidates[0]!;
    const cluster = candidates.filter((c) => iou(best.values, c.values) > options.overlap);
    const rest = candidates.filter((c) => iou(best.values, c.values) <= options.overlap);
    candidates.splice(0, candidates.length, ...rest);
    // Weighted suppression: the overlapping boxes, averaged by score, are the face; its score is the best one's.
    const total = cluster.reduce((s, c) => s + c.score, 0);
    const mean = best.values.map((_, i) => cluster.reduce((s, c) => s + (c.values[i] as number) * c.score, 0) / total);
    faces.push(toFace(best.score, mean, options.toPicture));
  }
  return faces;
}

function corners(v: number[]): [number, number, number, number] {
  const [cx, cy, w, h] = v as [number, number, number, number];
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}

function iou(a: number[], b: number[]): number {
  const [ax0, ay0, ax1, ay1] = corners(a);
  const [bx0, by0, bx1, by1] = corners(b);
  const w = Math.max(0, Math.min(ax1, bx1) - Math.max(ax0, bx0));
  const h = Math.max(0, Math.min(ay1, by1) - Math.max(ay0, by0));
  const inter = w * h;
  const union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter;
  return union > 0 ? inter / union : 0;
}

function toFace(score: number, v: number[], toPicture: (p: Point) => Point): DetectedFace {
  const [x0, y0, x1, y1] = corners(v);
  const a = toPicture({ x: x0, y: y0 });
  const b = toPicture({ x: x1, y: y1 });
  const keypoints = Object.fromEntries(
    KEYPOINTS.map((name, k) => [name, toPicture({ x: v[4 + k * 2] as number, y: v[5 + k * 2] as number })]),
  ) as Record<KeypointName, Point>;
  return { score, box: { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y }, keypoints };
}
