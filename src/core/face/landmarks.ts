// The face mesh in the core: the region MediaPipe's face mesh graph cuts for
// a detected face (the detection box made square, 1.5 times its longer side,
// turned so the eyes are level), warped to the mesh model's 192 × 192 input,
// and the 468 points mapped back into the picture. The points feed the same
// geometry the screen's judge uses (src/shared/face/geometry.ts): yaw, pitch,
// roll and how open each eye is. Pure apart from the model run it is given.
import type { RgbImage } from '../pictures';
import { faceGeometry, type FaceGeometry } from '../../shared/face/geometry';
import type { Point3 } from '../../shared/face/landmarks';
import type { DetectedFace } from './detection';
import { applyAffine, warp, type Affine } from './resample';

export const MESH_INPUT = 192;
export const MESH_POINT_COUNT = 468;
/** MediaPipe's face_detection_front_detection_to_roi: the region around the detection box. */
const ROI_SCALE = 1.5;

/** Mesh input pixel centres → picture coordinates, and the picture pixels one input pixel spans. */
export function meshRegion(face: DetectedFace): { toPicture: Affine; scale: number } {
  const { rightEye, leftEye } = face.keypoints;
  // The eye line's angle in the image (the subject's right eye is on the image's left): turned back to level.
  const angle = Math.atan2(leftEye.y - rightEye.y, leftEye.x - rightEye.x);
  const side = Math.max(face.box.width, face.box.height) * ROI_SCALE;
  const scale = side / MESH_INPUT;
  const cx = face.box.x + face.box.width / 2;
  const cy = face.box.y + face.box.height / 2;
  const [c, s] = [Math.cos(angle) * scale, Math.sin(angle) * scale];
  // p = centre + R(angle) · scale · (u − 96, v − 96)
  return {
    toPicture: {
      a: c,
      b: -s,
      c: cx - c * (MESH_INPUT / 2) + s * (MESH_INPUT / 2),
      d: s,
      e: c,
      f: cy - s * (MESH_INPUT / 2) - c * (MESH_INPUT / 2),
    },
    scale,
  };
}

/** The mesh model's input for `face`: float RGB 0–255, NHWC. */
export function meshInput(image: RgbImage, face: DetectedFace): { input: Float32Array; toPicture: Affine; scale: number } {
  const { toPicture, scale } = meshRegion(face);
  return { input: warp(image, MESH_INPUT, MESH_INPUT, toPicture, scale), toPicture, scale };
}

export interface MeshMeasures {
  /** The model's face-presence score (sigmoid of its logit), 0 to 1. */
  presence: number;
  geometry: FaceGeometry;
}

/**
 * The model's output (1404 values: x, y, z per point in input pixels) mapped into the picture, normalised as the screen's
 * landmarks are (x, y by the picture's width and height, z by its width), and measured. Non-finite values are refused.
 */
export function meshMeasures(
  raw: Float32Array,
  presenceLogit: number,
  region: { toPicture: Affine; scale: number },
  picture: { width: number; height: number },
): MeshMeasures {
  if (raw.length !== MESH_POINT_COUNT * 3) throw new Error(`The face mesh gave ${raw.length} values; expected ${MESH_POINT_COUNT * 3}.`);
  if (!raw.every(Number.isFinite) || !Number.isFinite(presenceLogit)) throw new Error('The face mesh gave non-finite values.');
  const points: Point3[] = [];
  for (let i = 0; i < MESH_POINT_COUNT; i++) {
    const p = applyAffine(region.toPicture, { x: raw[i * 3] as number, y: raw[i * 3 + 1] as number });
    points.push({ x: p.x / picture.width, y: p.y / picture.height, z: ((raw[i * 3 + 2] as number) * region.scale) / picture.width });
  }
  return { presence: 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, presenceLogit)))), geometry: faceGeometry(points, picture) };
}
