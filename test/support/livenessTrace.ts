// Synthetic liveness traces at 30 frames a second: a face at (320, 240) with
// the small tremor of a live face, doing the actions asked of it.
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
      out.push({ t, faces: s.faces ?? 1, yawDeg: (s.yaw ?? 0) + wobble, openness: (s.openness ?? 0.32) + wobble * 0.005, cx: 320 + (s.dx ?? 0) + wobble, cy: 240, eyePx: 100 });
    }
  }
  return out;
}

export const blinkSegments: Segment[] = [{ ms: 120, openness: 0.2 }, { ms: 130, openness: 0.05 }, { ms: 100, openness: 0.2 }, { ms: 400 }];
export const turnSegments = (yaw: number): Segment[] => [{ ms: 200, yaw: yaw / 2 }, { ms: 400, yaw }, { ms: 200, yaw: yaw / 2 }, { ms: 400 }];

/** What a cooperative citizen does for these actions, in order. */
export function answer(steps: readonly LivenessAction[]): TraceEntry[] {
  const segments: Segment[] = [{ ms: 400 }];
  for (const step of steps) segments.push(...(step === 'blink' ? blinkSegments : turnSegments(step === 'turnLeft' ? 28 : -28)));
  return trace(segments);
}
