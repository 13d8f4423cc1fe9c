// What the face screen shows of a challenge's time: the whole seconds left
// for the action in play and the share of its time left (the ring). Driven
// by the judge's msLeft, so it runs on the same camera-frame clock that
// decides a TIMEOUT: the screen never shows time the judge has not got.
import type { LivenessAction } from './liveness';

export interface Countdown {
  /** Whole seconds, rounded up: "1" until the very end, "0" only once the time is up. */
  seconds: number;
  /** 1 at the action's start, 0 when its time is up. */
  share: number;
}

export function countdownOf(msLeft: number, stepTimeoutMs: number): Countdown {
  const left = Math.max(0, Math.min(msLeft, stepTimeoutMs));
  return { seconds: Math.ceil(left / 1000), share: stepTimeoutMs > 0 ? left / stepTimeoutMs : 0 };
}

/** The seconds each action allows, as the briefing states them (whole seconds, rounded down: never promise more). */
export function secondsPerAction(stepTimeoutMs: number): number {
  return Math.floor(stepTimeoutMs / 1000);
}

/** The briefing's lines, in the challenge's order: one catalogue key per action, also what speech says. */
export function briefingKeys(order: readonly LivenessAction[]): Array<`face.briefing.${LivenessAction}`> {
  return order.map((action) => `face.briefing.${action}` as const);
}
