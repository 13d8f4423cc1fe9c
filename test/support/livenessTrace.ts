// Synthetic liveness traces at 30 frames a second: a face at (320, 240) with
// the small tremor of a live face, doing the actions asked of it.
import type { BoothConfigInput } from '../../src/core/config';
import type { LivenessAction, TraceEntry } from '../../src/shared/face/liveness';

export interface Segment {
  ms: number;
  yaw?: number;
  openness?: number;
  faces?: number;
  /** Shift of the face centre, pixels. */
  dx?: number;
}

export function trace(segments: Segment[], { jitter = true } = {}): TraceEntry[] {
  const out: TraceEntry[] = [];
  let t = 0;
  let i = 0;
  for (const s of segments) {
    for (const end = t + s.ms; t < end; t += 33, i++) {
      const wobble = jitter ? Math.sin(i * 1.7) * 0.6 : 0;
      out.push({
        t,
        faces: s.faces ?? 1,
        yawDeg: (s.yaw ?? 0) + wobble,
        openness: (s.openness ?? 0.32) + wobble * 0.005,
        cx: 320 + (s.dx ?? 0) + wobble,
        cy: 240,
        eyePx: 100,
      });
    }
  }
  return out;
}

/** "Close your eyes for a moment", as a citizen does it: shut for 700 ms (the judge asks for 600 ms). */
export const blinkSegments: Segment[] = [{ ms: 120, openness: 0.2 }, { ms: 700, openness: 0.05 }, { ms: 100, openness: 0.2 }, { ms: 400 }];
/** A spontaneous blink (250 ms): no action. */
export const spontaneousBlink: Segment[] = [{ ms: 60, openness: 0.2 }, { ms: 130, openness: 0.05 }, { ms: 60, openness: 0.2 }, { ms: 300 }];
export const turnSegments = (yaw: number): Segment[] => [
  { ms: 200, yaw: yaw / 2 },
  { ms: 400, yaw },
  { ms: 200, yaw: yaw / 2 },
  { ms: 400 },
];

/**
 * What a cooperative citizen does for a challenge: holds still until each step's tone (its wait, counted from the end of
 * the movement before, which is after that step completed), reacts in `reactMs`, and does the action. Given only the
 * actions, the waits are none.
 */
export function answer(
  challenge: readonly LivenessAction[] | { steps: readonly LivenessAction[]; waitsMs?: readonly number[] },
  reactMs = 400,
): TraceEntry[] {
  const steps = 'steps' in challenge ? challenge.steps : challenge;
  const waits = 'steps' in challenge ? challenge.waitsMs : undefined;
  const segments: Segment[] = [{ ms: 400 }];
  for (const [i, step] of steps.entries()) {
    if (waits) segments.push({ ms: waits[i]! + reactMs });
    segments.push(...(step === 'blink' ? blinkSegments : turnSegments(step === 'turnLeft' ? 28 : -28)));
  }
  return trace(segments);
}

// ---- The same citizen in continuous time, seen by a slow, irregular loop.

/** What the camera would show at one instant. */
export interface Pose {
  yaw: number;
  openness: number;
  faces?: number;
  dx?: number;
}

/** A performance: each part lasts `ms`; a blink is one closure of that whole length, a turn ramps in and out around its hold. */
export type Act = { still: number } | { blink: number } | { turn: number; holdMs: number };

const OPEN = 0.32;
const SHUT = 0.04;
const RAMP_MS = 220;

const ease = (k: number) => (1 - Math.cos(Math.PI * Math.min(1, Math.max(0, k)))) / 2;

/**
 * Pose at time t of a performance. A blink closes in its first 30 %, stays
 * shut for 15 % and reopens in the remaining 55 % (reopening is the slow part
 * of a real blink); a live face sways a little all the time.
 */
export function poseAt(acts: readonly Act[], t: number): Pose {
  const sway = { yaw: 0.8 * Math.sin(t / 170), openness: 0.006 * Math.sin(t / 90), dx: 1.2 * Math.sin(t / 230) };
  let start = 0;
  for (const act of acts) {
    const length = 'still' in act ? act.still : 'blink' in act ? act.blink : act.holdMs + 2 * RAMP_MS;
    if (t < start + length) {
      const local = t - start;
      if ('blink' in act) {
        const k = local / act.blink;
        const closure = k < 0.3 ? ease(k / 0.3) : k < 0.45 ? 1 : 1 - ease((k - 0.45) / 0.55);
        return { yaw: sway.yaw, openness: OPEN - (OPEN - SHUT) * closure + sway.openness, dx: sway.dx };
      }
      if ('turn' in act) {
        const share =
          local < RAMP_MS ? ease(local / RAMP_MS) : local < RAMP_MS + act.holdMs ? 1 : 1 - ease((local - RAMP_MS - act.holdMs) / RAMP_MS);
        return { yaw: act.turn * share + sway.yaw, openness: OPEN + sway.openness, dx: sway.dx };
      }
      break;
    }
    start += length;
  }
  return { yaw: sway.yaw, openness: OPEN + sway.openness, dx: sway.dx };
}

export function performanceMs(acts: readonly Act[]): number {
  return acts.reduce((sum, act) => sum + ('still' in act ? act.still : 'blink' in act ? act.blink : act.holdMs + 2 * RAMP_MS), 0);
}

export interface SlowLoop {
  /** Frames the loop manages to process per second. */
  fps: number;
  /** Where in the first frame interval the loop starts, 0 … 1 (moves every sample against the performance). */
  phase?: number;
  /** Processing time varies by up to this share of the interval either way. */
  jitter?: number;
  /** Chance per processed frame of a hiccup (garbage collection, another process) that loses 2–6 camera frames. */
  hiccup?: number;
  seed?: number;
}

/**
 * The trace a loop processing `fps` frames a second writes while a 30 fps
 * camera films the performance: each processed frame is the newest camera
 * frame when the loop gets to it, stamped with that frame's capture time.
 */
export function slowTrace(pose: (t: number) => Pose, durationMs: number, loop: SlowLoop): TraceEntry[] {
  const cameraMs = 1000 / 30;
  let seed = loop.seed ?? 1;
  const random = () => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  const out: TraceEntry[] = [];
  const interval = 1000 / loop.fps;
  for (let ready = (loop.phase ?? 0) * interval; ready < durationMs;) {
    // The newest frame the camera had delivered by the time the loop was ready.
    const frame = Math.floor(ready / cameraMs);
    const t = Math.round(frame * cameraMs + (random() - 0.5) * 2);
    if (out.length === 0 || t > out.at(-1)!.t) {
      const p = pose(t);
      out.push({ t, faces: p.faces ?? 1, yawDeg: p.yaw, openness: Math.max(0, p.openness), cx: 320 + (p.dx ?? 0), cy: 240, eyePx: 100 });
    }
    ready += interval * (1 + (random() - 0.5) * 2 * (loop.jitter ?? 0));
    if (random() < (loop.hiccup ?? 0)) ready += cameraMs * (2 + Math.floor(random() * 5));
  }
  return out;
}

/**
 * Booth configuration for tests that are not about the tone's timing: each tone comes at once (no instruction, a single
 * pause of 0), so a synthetic answer needs no waits; the challenges' actions stay random. The booth logs that its
 * challenges are predictable.
 */
export function withQuickLiveness(config: BoothConfigInput = {}): BoothConfigInput {
  return { ...config, face: { ...config.face, liveness: { instructMs: 0, pausesMs: [0], ...config.face?.liveness } } };
}
