// Indices into MediaPipe's 478-point face mesh that the booth's measures
// read. "Right" and "left" are the citizen's own: the citizen's right eye is
// on the image's left in an unmirrored camera frame.

export interface Point3 {
  /** Fraction of the frame width, 0 at the left edge of the unmirrored image. */
  x: number;
  /** Fraction of the frame height, 0 at the top. */
  y: number;
  /** Depth in roughly the scale of x (MediaPipe's convention); smaller is nearer the camera. */
  z: number;
}

export const MESH_POINTS = 478;

export const mesh = {
  noseTip: 1,
  forehead: 10,
  chin: 152,
  /** Face contour beside the citizen's right eye (image left). */
  rightContour: 234,
  leftContour: 454,
  upperLipInner: 13,
  lowerLipInner: 14,
  mouthRight: 61,
  mouthLeft: 291,
  rightEye: { outer: 33, inner: 133, upper: 159, lower: 145 },
  leftEye: { outer: 263, inner: 362, upper: 386, lower: 374 },
} as const;

/** A frame's size in pixels, to turn normalized points into pixels. */
export interface FrameSize {
  width: number;
  height: number;
}

export function toPixels(point: Point3, frame: FrameSize): { x: number; y: number; z: number } {
  return { x: point.x * frame.width, y: point.y * frame.height, z: point.z * frame.width };
}

export function distancePx(a: Point3, b: Point3, frame: FrameSize): number {
  return Math.hypot((a.x - b.x) * frame.width, (a.y - b.y) * frame.height);
}
