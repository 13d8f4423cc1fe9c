// The synthetic active-liveness performance, on the good face, for the
// FIXED challenge order blink → turn left → turn right, as a loop.
//
// Direction convention: "left" is the citizen's own left. In the unmirrored
// camera image the citizen faces the camera, so turning to their left moves
// the nose towards the image's RIGHT side: the nose-tip share between the
// face contours, r = (p1.x − p234.x) / (p454.x − p234.x), rises above 0.5.
// Here `turn` > 0 is a turn to the citizen's left.
//
// What this is: 2-D warps of one photograph. The blink pulls the upper-eyelid
// skin down over the eye; the turn slides the face texture round a vertical
// cylinder. They move the landmarks the booth measures (eyelid
// gap, nose against the contours) the way a real blink and turn do, so they
// prove the booth's measures and its challenge logic respond to those
// geometric signals. They do not prove a real head turn or blink is detected,
// nor that a replayed or warped photo would be rejected.
import { FPS, smoothstep } from './face';

/**
 * Eyelid margins in canonical coordinates (the good face after its yaw
 * correction), outer corner to inner corner: FaceLandmarker's eye-contour
 * points measured on the good video (upper 33-246-161-160-159-158-157-173-133
 * and lower 33-7-163-144-145-153-154-155-133; the other eye 263…362).
 */
const EYE_CONTOURS: ReadonlyArray<{ upper: number[][]; lower: number[][] }> = [
  {
    upper: [
      [269.9, 213.7],
      [271.5, 212.3],
      [273.8, 210.5],
      [278.0, 208.2],
      [285.2, 206.8],
      [293.0, 207.4],
      [300.5, 210.6],
      [305.7, 215.4],
      [308.2, 218.5],
    ],
    lower: [
      [269.9, 213.7],
      [272.9, 216.3],
      [276.2, 218.1],
      [281.1, 219.6],
      [288.4, 220.4],
      [295.6, 220.0],
      [302.3, 219.1],
      [306.4, 218.8],
      [308.2, 218.5],
    ],
  },
  {
    upper: [
      [387.0, 210.8],
      [385.3, 209.3],
      [383.0, 207.5],
      [379.0, 205.4],
      [372.4, 204.5],
      [365.6, 205.9],
      [359.1, 210.3],
      [354.3, 215.8],
      [352.1, 218.9],
    ],
    lower: [
      [387.0, 210.8],
      [383.9, 214.1],
      [380.5, 216.4],
      [375.9, 218.3],
      [369.3, 219.4],
      [363.1, 219.4],
      [357.3, 219.0],
      [353.7, 219.1],
      [352.1, 218.9],
    ],
  },
];
/**
 * The landmarks sit a little inside the visible margins (the red-eye glint
 * pokes above the upper one): the lid covers this much more, px.
 */
const PAD = { up: 2.5, down: 2.5 };
/** Height of upper-eyelid skin (above the lid margin) that is stretched down over the eye, px. */
const LID_SKIN = 10;
/** Lash line: darkening at the lid edge and its half-width, px (tuned: openness 0.10 → 0.085 when shut). */
const LASH = 0.8;
const LASH_WIDTH = 1.6;
/** Columns past each corner over which the lid tapers off, so it has no hard side edge. */
const CORNER_MARGIN = 3;

interface Eye {
  left: number;
  right: number;
  upper: number[][];
  lower: number[][];
}

const EYES: Eye[] = EYE_CONTOURS.map(({ upper, lower }) => {
  const byX = (points: number[][]) => [...points].sort((a, b) => a[0]! - b[0]!);
  const u = byX(upper);
  return { left: u[0]![0]!, right: u[u.length - 1]![0]!, upper: u, lower: byX(lower) };
});

/** y of a polyline (sorted by x) at x, held flat past its ends. */
function along(points: number[][], x: number): number {
  if (x <= points[0]![0]!) return points[0]![1]!;
  for (let i = 1; i < points.length; i++) {
    const [x1, y1] = points[i]!;
    if (x <= x1!) {
      const [x0, y0] = points[i - 1]!;
      return y0! + ((y1! - y0!) * (x - x0!)) / (x1! - x0!);
    }
  }
  return points[points.length - 1]![1]!;
}

/**
 * Peak turns (the warp's θ), radians, tuned so FaceLandmarker's nose-tip
 * share r reaches ≈ 0.81 / 0.17 and its 3-D yaw ≈ ±21° (the picture is
 * not symmetric, hence two values).
 */
const TURN_RAD = { left: (25 * Math.PI) / 180, right: (26 * Math.PI) / 180 };

/**
 * Lid closure 0 (open) … 1 (closed) at canonical (x, y): returns the row to
 * sample and a shade factor. Inside the eye's columns the band from LID_SKIN
 * above the upper lid down to the moving lid edge shows the upper-eyelid skin
 * stretched down; a dark lash line runs along the edge (FaceLandmarker reads
 * the eye as more firmly shut with it); below the edge the eye is left as it
 * was, so part-closed frames show the lower part of the eye.
 */
export function blinkWarp(x: number, y: number, closure: number, out: { y: number; shade: number }): void {
  out.y = y;
  out.shade = 1;
  if (closure <= 0) return;
  for (const eye of EYES) {
    if (x <= eye.left - CORNER_MARGIN || x >= eye.right + CORNER_MARGIN) continue;
    // 1 between the corners, easing to 0 across the margin beyond them.
    const inside = smoothstep(eye.left - CORNER_MARGIN, eye.left, x) * smoothstep(eye.right + CORNER_MARGIN, eye.right, x);
    const top = along(eye.upper, x) - PAD.up * inside;
    const bottom = along(eye.lower, x) + PAD.down * inside;
    const lid = top + (bottom - top) * closure;
    const skinTop = top - LID_SKIN;
    if (y < skinTop || y > bottom + 3 * LASH_WIDTH) return;
    out.shade = 1 - LASH * closure * inside * Math.exp(-(((y - lid) / LASH_WIDTH) ** 2));
    if (y <= lid) out.y = skinTop + ((y - skinTop) * (top - skinTop)) / (lid - skinTop);
    return;
  }
}

/**
 * Liveness timeline, in frames at FPS: each phase with its start. The only
 * frontal spell that lasts as long as the quality gate's hold (800 ms) is
 * the one before the blink (0.7 s at the loop's end + 2.0 s at its start),
 * so the challenge always begins shortly before the blink. The spells
 * between the actions (0.2 s; with the ramps about 0.4 s of frontal face)
 * are only for the judge's return to frontal. Were they 0.7 s, a busy
 * machine (whose fake camera plays the file slower) could pass the gate in
 * one of them, start the challenge just after the blink and wait a whole
 * loop for the next one (7.7 s, more on a slow machine; the step allows 11 s).
 * The eyes stay shut for 1.2 s (plus the closing and opening frames): the
 * judge's "close your eyes" action asks for 0.6 s, longer than any
 * spontaneous blink, and a challenge that starts as the eyes begin to close
 * (the quality gate passed in the spell's last moment) must still see 0.6 s
 * of them shut, or the turn that follows is the wrong action.
 */
const PHASES = (() => {
  const f = (seconds: number) => Math.round(seconds * FPS);
  const list: Array<{ name: string; frames: number }> = [
    { name: 'frontal', frames: f(2.0) },
    { name: 'blinkClose', frames: 2 },
    { name: 'blinkClosed', frames: f(1.2) },
    { name: 'blinkOpen', frames: 3 },
    { name: 'frontal', frames: f(0.2) },
    { name: 'leftIn', frames: f(0.3) },
    { name: 'left', frames: f(1.0) },
    { name: 'leftOut', frames: f(0.3) },
    { name: 'frontal', frames: f(0.2) },
    { name: 'rightIn', frames: f(0.3) },
    { name: 'right', frames: f(1.0) },
    { name: 'rightOut', frames: f(0.3) },
    { name: 'frontal', frames: f(0.7) },
  ];
  let start = 0;
  return list.map((phase) => {
    const withStart = { ...phase, start };
    start += phase.frames;
    return withStart;
  });
})();

/** Frames in one loop of the performance. */
export const LIVENESS_FRAMES = PHASES.reduce((sum, p) => sum + p.frames, 0);

/** Lid closure (0 … 1) and head turn (radians, > 0 to the citizen's left) for a frame of the loop. */
export function livenessPose(index: number): { closure: number; turn: number } {
  const pose = phasePose(index);
  return { closure: pose.closure, turn: pose.turn * (pose.turn > 0 ? TURN_RAD.left : TURN_RAD.right) };
}

function phasePose(index: number): { closure: number; turn: number } {
  const phase = PHASES.find((p) => index >= p.start && index < p.start + p.frames) ?? PHASES[0]!;
  // Progress through a transition, counting the frame after it as complete.
  const k = (index - phase.start + 1) / (phase.frames + 1);
  const ease = k * k * (3 - 2 * k);
  switch (phase.name) {
    case 'blinkClose':
      return { closure: ease, turn: 0 };
    case 'blinkClosed':
      return { closure: 1, turn: 0 };
    case 'blinkOpen':
      return { closure: 1 - ease, turn: 0 };
    case 'leftIn':
      return { closure: 0, turn: ease };
    case 'left':
      return { closure: 0, turn: 1 };
    case 'leftOut':
      return { closure: 0, turn: 1 - ease };
    case 'rightIn':
      return { closure: 0, turn: -ease };
    case 'right':
      return { closure: 0, turn: -1 };
    case 'rightOut':
      return { closure: 0, turn: -(1 - ease) };
    default:
      return { closure: 0, turn: 0 };
  }
}
