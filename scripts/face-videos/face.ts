// The "good" face and how it is moved, made to blink and turned. Everything
// here works in canonical coordinates: a 640 × 480 frame in which
// @vladmandic/face-api's demo/sample6.jpg (rightmost woman) is rotated level,
// scaled and centred. Eye and face positions in that frame were first picked
// by eye and then refined from MediaPipe face-mesh landmarks measured on it.
import { hash2, valueNoise } from './raster';

export const WIDTH = 640;
export const HEIGHT = 480;
export const FPS = 15;

/** Eye centres in sample6.jpg (full-resolution pixels), read off the picture. */
const SOURCE_EYES = { right: { x: 1544, y: 372 }, left: { x: 1630, y: 394 } };
/** Canonical pixels per source pixel (landmark box ≈ 0.47 of the frame height; scenes zoom in from there). */
export const FACE_SCALE = 0.86;
/** Where the eye midpoint lands in the canonical frame. */
const EYE_MID = { x: 320, y: 210 };

export interface Point {
  x: number;
  y: number;
}

/** A similarity transform from canonical to source coordinates (rotation removes the head's roll). */
export interface Similarity {
  ox: number;
  oy: number;
  cx: number;
  cy: number;
  /** Source pixels per canonical pixel, pre-multiplied by cos/sin of the rotation. */
  a: number;
  b: number;
}

export function similarity(sourceAnchor: Point, canonicalAnchor: Point, scale: number, angle: number): Similarity {
  return {
    ox: sourceAnchor.x,
    oy: sourceAnchor.y,
    cx: canonicalAnchor.x,
    cy: canonicalAnchor.y,
    a: Math.cos(angle) / scale,
    b: Math.sin(angle) / scale,
  };
}

export function toSource(t: Similarity, x: number, y: number, p: Point): void {
  const u = x - t.cx;
  const v = y - t.cy;
  p.x = t.ox + t.a * u - t.b * v;
  p.y = t.oy + t.b * u + t.a * v;
}

export const faceToSource = similarity(
  { x: (SOURCE_EYES.right.x + SOURCE_EYES.left.x) / 2, y: (SOURCE_EYES.right.y + SOURCE_EYES.left.y) / 2 },
  EYE_MID,
  FACE_SCALE,
  Math.atan2(SOURCE_EYES.left.y - SOURCE_EYES.right.y, SOURCE_EYES.left.x - SOURCE_EYES.right.x),
);

/**
 * Head-and-shoulders cut-out in canonical coordinates (1 inside, 0 outside,
 * feathered): the picture's neighbouring woman would be a second face, so
 * everything outside is replaced by the wall.
 */
export function subjectAlpha(x: number, y: number): number {
  const head = ellipseAlpha(x, y, 338, 215, 120, 250, 14);
  const shoulder = ellipseAlpha(x, y, 450, 560, 150, 170, 14);
  // Fades out just below the frame, where only the far-away (tooSmall) view looks.
  return Math.max(head, shoulder) * smoothstep(525, 495, y);
}

function ellipseAlpha(x: number, y: number, cx: number, cy: number, rx: number, ry: number, feather: number): number {
  const d = Math.hypot((x - cx) / rx, (y - cy) / ry);
  const edge = (d - 1) * Math.min(rx, ry);
  return smoothstep(feather / 2, -feather / 2, edge);
}

export function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
}

/** A plain painted wall with plaster texture, in frame pixels: the background of every face video and the whole of noFace. */
export function wall(x: number, y: number, out: Float64Array): void {
  const light = 1 - 0.18 * (y / HEIGHT) ** 1.5 - 0.08 * Math.abs(x / WIDTH - 0.35);
  const plaster =
    0.06 * (valueNoise(x, y, 23, 1) - 0.5) + 0.035 * (valueNoise(x, y, 5, 2) - 0.5) + 0.02 * (hash2(Math.floor(x), Math.floor(y), 3) - 0.5);
  // A door frame on the right: structure for the detector to ignore, nothing face-like.
  const frame = x > 560 && x < 584 ? 0.82 : x >= 584 && x < 590 ? 0.7 : 1;
  const f = (light + plaster) * frame;
  out[0] = 214 * f;
  out[1] = 200 * f;
  out[2] = 172 * f;
}

/** Head cylinder for turns: axis x, radius (≈ cheek half-width) and the rows that turn fully. */
const HEAD = { x: 329, radius: 96, top: 95, bottom: 380, taper: 45 };
/**
 * The picture's head is turned a little to the citizen's right
 * (FaceLandmarker: nose-tip share r ≈ 0.39, 3-D yaw ≈ −7°); the layer is
 * re-centred by this much turn (then r ≈ 0.51, yaw ≈ +2°).
 */
export const YAW_CORRECTION_RAD = 0.17;

/**
 * Horizontal remap for a head turned by θ radians (> 0: to the citizen's
 * left, nose towards the image's right): the output column at canonical x
 * shows the texture column returned. The face is treated as painted on a
 * vertical cylinder: a column at angle φ' on the output shows the texture
 * from angle φ' − θ·cos²φ', which moves the nose
 * (φ = 0) sideways by about radius·sin θ while the cylinder's edges stay put,
 * compressing the half it moves into and stretching the other — smooth and
 * monotonic, so no column is smeared or torn. Rows above the forehead and
 * below the chin taper back to no turn, so hair and neck stay joined.
 */
export function turnWarp(x: number, y: number, theta: number): number {
  if (theta === 0) return x;
  const envelope = smoothstep(HEAD.top - HEAD.taper, HEAD.top, y) * smoothstep(HEAD.bottom + HEAD.taper, HEAD.bottom, y);
  if (envelope <= 0) return x;
  const t = (x - HEAD.x) / HEAD.radius;
  if (Math.abs(t) >= 1) return x;
  const phi = Math.asin(t);
  const cos = Math.cos(phi);
  return HEAD.x + HEAD.radius * Math.sin(phi - theta * envelope * cos * cos);
}

/**
 * Small head sway and breathing for frame `frame` of a loop of `loopFrames`:
 * consecutive frames differ, the face moves about a pixel, and the motion is
 * periodic in the loop so Chromium's replay has no jump at the seam.
 */
export function sway(frame: number, loopFrames: number, amplitude = 1): { dx: number; dy: number; scale: number } {
  const a = (2 * Math.PI * frame) / loopFrames;
  return {
    dx: amplitude * (0.55 * Math.sin(2 * a) + 0.3 * Math.sin(5 * a + 1)),
    dy: amplitude * (0.4 * Math.sin(a + 2) + 0.2 * Math.sin(4 * a)),
    scale: 1 + amplitude * 0.004 * Math.sin(a + 0.5),
  };
}
