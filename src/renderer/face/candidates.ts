// The best frames of a capture, kept as pictures the moment they are seen:
// a square face crop for matching per candidate, and the full camera frame
// of the single best one. Canvases are emptied when the step ends, so the
// renderer keeps nothing of the citizen's face.
import type { FaceGeometry } from '../../shared/face/geometry';

interface Candidate {
  score: number;
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

  /** Offers a good frame; it is drawn only if it ranks among the best. */
  offer(video: HTMLVideoElement, geometry: FaceGeometry, score: number): void {
    const worst = this.#candidates.at(-1);
    if (this.#candidates.length >= this.size && worst && worst.score >= score) return;
    const crop = worst && this.#candidates.length >= this.size ? this.#candidates.pop()!.crop : document.createElement('canvas');
    drawCrop(crop, video, geometry, this.cropSize);
    this.#candidates.push({ score, crop });
    this.#candidates.sort((a, b) => b.score - a.score);
    if (score > this.#bestScore) {
      this.#bestScore = score;
      this.#still ??= document.createElement('canvas');
      this.#still.width = video.videoWidth;
      this.#still.height = video.videoHeight;
      this.#still.getContext('2d')!.drawImage(video, 0, 0);
    }
  }

  async encode(quality: number): Promise<{ frames: Array<EncodedPicture & { score: number }>; still: EncodedPicture }> {
    if (!this.#still || this.#candidates.length === 0) throw new Error('no candidate frames');
    const frames = [];
    for (const candidate of this.#candidates) frames.push({ ...(await encodeJpeg(candidate.crop, quality)), score: candidate.score });
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
