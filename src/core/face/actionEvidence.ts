// The core's own verdict on a capture's pictures, before it keeps them: each
// action picture (one per challenge step) must show its action as the
// core's face mesh measures it, against the same citizen's look-straight
// crops as the baseline, and every picture must be the one same person by
// embedding distance. The screen's judge decided from its own landmarks; a
// forged call can claim anything of those, not of the pixels the core
// measures here. Pure: the measurements come from the face-match worker.
import type { LivenessAction } from '../../shared/face/liveness';
import { euclidean, largestSpread } from './matching';

/** What the worker measured on one picture. */
export interface PictureLook {
  yawDeg: number;
  /** Mean eye openness (eyelid gap over eye width), as the screen's judge measures it. */
  openness: number;
  embedding: Float32Array;
}

/**
 * The core's mesh (MediaPipe's plain 468-point mesh) against the screen's
 * (the attention mesh): it sees the same turns about as far (±21° where the
 * screen saw ±20° on the test video), but it sees shut eyelids only partly
 * shut (openness down by a fifth on the painted blink, where the screen sees
 * it halve). So the shares asked here are of the screen's thresholds and of
 * the citizen's own open eyes, and lower than the screen's.
 */
export const ACTION_EVIDENCE = {
  /** A turn picture: yaw at least this share of the judge's turn threshold past the crops' own yaw, the right way. */
  turnShare: 0.6,
  /** A blink picture: eyes at most this share of the crops' openness (open eyes vary by ±3 % between frames). */
  shutShare: 0.9,
  /** A blink picture must face the camera: yaw within this share of the turn threshold of the crops' yaw. */
  blinkFrontalShare: 0.6,
} as const;

export interface ActionFinding {
  action: LivenessAction;
  /** Yaw past the baseline (turns, signed the action's way) or openness as a share of the baseline (blink). */
  measure: number;
  /** Embedding distance to the mean of the crops. */
  distance: number;
}

export type ActionVerdict =
  | { ok: true; baseline: { yawDeg: number; openness: number }; findings: ActionFinding[]; spread: number }
  | { ok: false; reason: 'ACTION_NOT_SHOWN' | 'NOT_ONE_PERSON'; message: string };

export function judgeActionPictures(
  crops: readonly PictureLook[],
  actions: ReadonlyArray<{ action: LivenessAction; look: PictureLook }>,
  limits: { turnYawDeg: number; threshold: number },
  /** The full camera frame: it must show the same person as the crops. */
  still?: PictureLook,
): ActionVerdict {
  if (crops.length === 0) throw new Error('judgeActionPictures needs at least one crop');
  const baseline = { yawDeg: median(crops.map((c) => c.yawDeg)), openness: median(crops.map((c) => c.openness)) };
  const template = meanEmbedding(crops.map((c) => c.embedding));
  const spread = largestSpread(crops.map((c) => c.embedding));
  if (spread > limits.threshold)
    return { ok: false, reason: 'NOT_ONE_PERSON', message: `The look-straight crops are ${spread.toFixed(2)} apart: not one person.` };
  if (still) {
    const distance = euclidean(still.embedding, template);
    if (distance > limits.threshold)
      return { ok: false, reason: 'NOT_ONE_PERSON', message: `The full frame is ${distance.toFixed(2)} from the crops: another person.` };
  }
  const findings: ActionFinding[] = [];
  const turnNeeded = ACTION_EVIDENCE.turnShare * limits.turnYawDeg;
  for (const [i, { action, look }] of actions.entries()) {
    const distance = euclidean(look.embedding, template);
    const which = `Action picture ${i} (${action})`;
    if (distance > limits.threshold)
      return { ok: false, reason: 'NOT_ONE_PERSON', message: `${which} is ${distance.toFixed(2)} from the crops: another person.` };
    let measure: number;
    if (action === 'blink') {
      measure = baseline.openness > 0 ? look.openness / baseline.openness : 1;
      if (Math.abs(look.yawDeg - baseline.yawDeg) > ACTION_EVIDENCE.blinkFrontalShare * limits.turnYawDeg)
        return { ok: false, reason: 'ACTION_NOT_SHOWN', message: `${which} does not face the camera.` };
      if (measure > ACTION_EVIDENCE.shutShare)
        return {
          ok: false,
          reason: 'ACTION_NOT_SHOWN',
          message: `${which} shows the eyes at ${(measure * 100).toFixed(0)}% of their open gap; shut is at most ${ACTION_EVIDENCE.shutShare * 100}%.`,
        };
    } else {
      // The citizen's own left is positive yaw, as the screen's judge counts it.
      measure = (look.yawDeg - baseline.yawDeg) * (action === 'turnLeft' ? 1 : -1);
      if (measure < turnNeeded)
        return {
          ok: false,
          reason: 'ACTION_NOT_SHOWN',
          message: `${which} shows the head turned ${measure.toFixed(1)}° that way; at least ${turnNeeded.toFixed(1)}° is needed.`,
        };
    }
    findings.push({ action, measure, distance });
  }
  return { ok: true, baseline, findings, spread };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function meanEmbedding(embeddings: readonly Float32Array[]): Float32Array {
  const mean = new Float32Array(embeddings[0]!.length);
  for (const e of embeddings) for (let i = 0; i < mean.length; i++) mean[i]! += e[i]! / embeddings.length;
  return mean;
}
