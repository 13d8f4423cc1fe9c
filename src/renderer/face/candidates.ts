// The best frames of a capture, kept as pictures the moment they are seen:
// a square face crop for matching per candidate, and the full camera frame
// of the single best one; and one crop per challenge action (ActionPictures). Canvases are emptied when the step ends, so the
// renderer keeps nothing of the citizen's face.
import type { FaceGeometry } from '../../shared/face/geometry';
import type { LivenessAction } from '../../shared/face/liveness';

interface Candidate {
  score: number;
  /** The frame's time on the trace's clock. */
  t: number;
  crop: HTMLCanvasElement;
}

export interface EncodedPicture {
  jpeg: Uint8Array<ArrayBuffer>;
  width: number;
  height: number;
}

export class CandidatePool {
  #candidates: Candidate[] = [];
  #still: HTMLCanvasElement | null = null;
  #bestScore = -1;

  constructor(
    private readonly size: number,
    private readonly cropSize: number,
  ) {}

  get count(): number {
    return this.#candidates.length;
  }

  /** Offers a good frame (taken at `t` on the trace's clock); it is drawn only if it ranks among the best. */
  offer(video: HTMLVideoElement, geometry: FaceGeometry, score: number, t: number): void {
    const worst = this.#candidates.at(-1);
    if (this.#candidates.length >= this.size && worst && worst.score >= score) return;
    const crop = worst && this.#candidates.length >= this.size ? this.#candidates.pop()!.crop : document.createElement('canvas');
    drawCrop(crop, video, geometry, this.cropSize);
    this.#candidates.push({ score, t, crop });
    this.#candidates.sort((a, b) => b.score - a.score);
    if (score > this.#bestScore) {
      this.#bestScore = score;
      this.#still ??= document.createElement('canvas');
      this.#still.width = video.videoWidth;
      this.#still.height = video.videoHeight;
      this.#still.getContext('2d')!.drawImage(video, 0, 0);
    }
  }

  async encode(quality: number): Promise<{ frames: Array<EncodedPicture & { score: number; t: number }>; still: EncodedPicture }> {
    if (!this.#still || this.#candidates.length === 0) throw new Error('no candidate frames');
    const frames = [];
    for (const candidate of this.#candidates)
      frames.push({ ...(await encodeJpeg(candidate.crop, quality)), score: candidate.score, t: candidate.t });
    return { frames, still: await encodeJpeg(this.#still, quality) };
  }

  /** Drops every picture (canvas memory is released by sizing it to zero). */
  clear(): void {
    for (const candidate of this.#candidates) empty(candidate.crop);
    if (this.#still) empty(this.#still);
    this.#candidates = [];
    this.#still = null;
    this.#bestScore = -1;
  }
}

/**
 * One picture per challenge action, for the core to check with its own
 * models: while a step runs, the frame where the action is clearest so far
 * (the head turned furthest the asked way, the eyes shut deepest on a face
 * looking at the camera) is drawn; when the judge completes the step, that
 * picture is kept with its time.
 */
export class ActionPictures {
  #best: { t: number; value: number; crop: HTMLCanvasElement } | null = null;
  #kept: Array<{ action: LivenessAction; t: number; crop: HTMLCanvasElement }> = [];

  constructor(
    private readonly cropSize: number,
    /** A blink picture only from a face this close to frontal (degrees of yaw). */
    private readonly blinkFrontalDeg: number,
  ) {}

  /** A frame the judge saw during `action` (after the return to frontal). */
  consider(
    video: HTMLVideoElement,
    geometry: FaceGeometry,
    action: LivenessAction,
    entry: { t: number; yawDeg: number; openness: number },
  ): void {
    let value: number;
    if (action === 'blink') {
      if (Math.abs(entry.yawDeg) > this.blinkFrontalDeg) return;
      value = -entry.openness;
    } else {
      value = action === 'turnLeft' ? entry.yawDeg : -entry.yawDeg;
    }
    if (this.#best && this.#best.value >= value) return;
    const crop = this.#best?.crop ?? document.createElement('canvas');
    drawCrop(crop, video, geometry, this.cropSize);
    this.#best = { t: entry.t, value, crop };
  }

  /** The judge completed `action`: its clearest frame is kept (the completing frame itself when none was drawn). */
  keep(action: LivenessAction, video: HTMLVideoElement, geometry: FaceGeometry | null, t: number): void {
    let best = this.#best;
    this.#best = null;
    if (!best && geometry) {
      const crop = document.createElement('canvas');
      drawCrop(crop, video, geometry, this.cropSize);
      best = { t, value: 0, crop };
    }
    if (best) this.#kept.push({ action, t: best.t, crop: best.crop });
  }

  async encode(quality: number): Promise<Array<EncodedPicture & { action: LivenessAction; t: number }>> {
    const pictures = [];
    for (const kept of this.#kept) pictures.push({ ...(await encodeJpeg(kept.crop, quality)), action: kept.action, t: kept.t });
    return pictures;
  }

  clear(): void {
    if (this.#best) empty(this.#best.crop);
    for (const kept of this.#kept) empty(kept.crop);
    this.#best = null;
    this.#kept = [];
  }
}

/** A square around the face, 1.6 × its larger side (hair, chin and ears in view), as matchers expect. */
function drawCrop(canvas: HTMLCanvasElement, video: HTMLVideoElement, g: FaceGeometry, size: number): void {
  const side = Math.max(g.box.width, g.box.height) * 1.6;
  const x = g.box.x + g.box.width / 2 - side / 2;
  const y = g.box.y + g.box.height / 2 - side / 2;
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#808080'; // outside the camera frame: neutral grey
  context.fillRect(0, 0, size, size);
  context.drawImage(video, x, y, side, side, 0, 0, size, size);
}

async function encodeJpeg(canvas: HTMLCanvasElement, quality: number): Promise<EncodedPicture> {
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
  if (!blob) throw new Error('JPEG encoding failed');
  return { jpeg: new Uint8Array(await blob.arrayBuffer()), width: canvas.width, height: canvas.height };
}

function empty(canvas: HTMLCanvasElement): void {
  canvas.width = 0;
  canvas.height = 0;
}
