// Geometry of one face from its landmarks: where it is, how big, how the head
// is turned and whether the eyes are open. These feed the quality gate
// (ISO/IEC 29794-5 / OFIQ style: inter-eye distance, head size, margins,
// pose, eyes open) and the liveness challenge (turns and blinks).
import { distancePx, mesh, toPixels, type FrameSize, type Point3 } from './landmarks';

export interface FaceBox {
  /** Pixels, in the unmirrored frame. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FaceGeometry {
  box: FaceBox;
  /** Distance between the eye centres in pixels (ISO/IEC 19794-5 asks ≥ 90 for a portrait, ≥ 60 for matching). */
  interEyePx: number;
  /** Face height (forehead to chin) over frame height. */
  faceHeightRatio: number;
  /** Box centre as fractions of the frame (0.5, 0.5 is centred), unmirrored. */
  centreX: number;
  centreY: number;
  /** Smallest gap between the face box and a frame edge, as a fraction of the face width. */
  marginRatio: number;
  /**
   * Positive: the citizen turned to their own left (nose towards the image's
   * right). From the model's depth of the two face-contour points: turning
   * the head swings the line between them away from the image plane.
   */
  yawDeg: number;
  /** Positive: head raised (chin up). */
  pitchDeg: number;
  /** Positive: head tilted so the citizen's left eye is higher in the image. */
  rollDeg: number;
  /** Eyelid gap over eye width, per eye and averaged; open eyes ≈ 0.25–0.4. */
  eyeOpenness: { right: number; left: number; mean: number };
  /** Where the nose tip sits between the face contours (0.5 frontal): a 2D cross-check of yawDeg for the technician overlay. */
  yawRatio: number;
  /** Where the nose tip sits between the eye line and the chin; the raw signal behind pitchDeg. */
  pitchRatio: number;
}

/** Nose tip share of the eye-line-to-chin distance on a level, frontal face (0.45 on the package's sample face, 0.42–0.46 on others). */
export const NEUTRAL_PITCH_RATIO = 0.44;
/** How fast that share moves with pitch: 0.5 + k·tan θ, as for yaw. */
const PITCH_SLOPE = 0.45;

export function faceGeometry(points: readonly Point3[], frame: FrameSize): FaceGeometry {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    minX = Math.min(minX, p.x);
    maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y);
    maxY = Math.max(maxY, p.y);
  }
  const box = { x: minX * frame.width, y: minY * frame.height, width: (maxX - minX) * frame.width, height: (maxY - minY) * frame.height };
  const at = (index: number) => points[index]!;
  const rightEye = eyeCentre(at(mesh.rightEye.outer), at(mesh.rightEye.inner));
  const leftEye = eyeCentre(at(mesh.leftEye.outer), at(mesh.leftEye.inner));
  const eyeMid = { x: (rightEye.x + leftEye.x) / 2, y: (rightEye.y + leftEye.y) / 2, z: 0 };

  const nose = toPixels(at(mesh.noseTip), frame);
  const rightContour = toPixels(at(mesh.rightContour), frame);
  const leftContour = toPixels(at(mesh.leftContour), frame);
  const span = leftContour.x - rightContour.x;
  const yawRatio = Math.abs(span) < 1e-6 ? 0.5 : (nose.x - rightContour.x) / span;

  const chin = toPixels(at(mesh.chin), frame);
  const eyeMidPx = toPixels(eyeMid, frame);
  const drop = chin.y - eyeMidPx.y;
  const pitchRatio = Math.abs(drop) < 1e-6 ? NEUTRAL_PITCH_RATIO : (nose.y - eyeMidPx.y) / drop;

  const r = toPixels(rightEye, frame);
  const l = toPixels(leftEye, frame);
  const right = eyeOpenness(points, mesh.rightEye, frame);
  const left = eyeOpenness(points, mesh.leftEye, frame);
  const centreX = (box.x + box.width / 2) / frame.width;
  const centreY = (box.y + box.height / 2) / frame.height;
  const marginPx = Math.min(box.x, box.y, frame.width - (box.x + box.width), frame.height - (box.y + box.height));
  return {
    box,
    interEyePx: Math.hypot(l.x - r.x, l.y - r.y),
    faceHeightRatio: box.height / frame.height,
    centreX,
    centreY,
    marginRatio: box.width > 0 ? marginPx / box.width : 0,
    yawDeg: degrees(Math.atan2(leftContour.z - rightContour.z, leftContour.x - rightContour.x)),
    pitchDeg: degrees(Math.atan((NEUTRAL_PITCH_RATIO - pitchRatio) / PITCH_SLOPE)),
    // Image y grows downwards: the citizen's left eye (image right) higher gives a negative slope.
    rollDeg: degrees(Math.atan2(-(l.y - r.y), l.x - r.x)),
    eyeOpenness: { right, left, mean: (right + left) / 2 },
    yawRatio,
    pitchRatio,
  };
}

function eyeCentre(a: Point3, b: Point3): Point3 {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, z: (a.z + b.z) / 2 };
}

function eyeOpenness(
  points: readonly Point3[],
  eye: { outer: number; inner: number; upper: number; lower: number },
  frame: FrameSize,
): number {
  const width = distancePx(points[eye.outer]!, points[eye.inner]!, frame);
  return width > 0 ? distancePx(points[eye.upper]!, points[eye.lower]!, frame) / width : 0;
}

function degrees(radians: number): number {
  return (radians * 180) / Math.PI;
}
