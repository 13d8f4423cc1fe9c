// What the face-match worker serves, typed once for both sides.
import type { PictureAnalysis, PictureInput } from './faceEngine';

export interface FaceMatchWorkerData {
  models: { detector: Uint8Array; embedding: Uint8Array };
  threads: number;
  minDetectionScore: number;
  /**
   * Tests only (never configuration): make the worker crash or stall at each citizen's analysis (not the self-test's), to prove
   * the core survives it.
   */
  faults?: { crash?: boolean; hangMs?: number };
}

export interface FaceMatchApi {
  /** Makes the onnxruntime sessions (once); the time it took. */
  load(params: Record<string, never>): { ms: number };
  /** Each picture decoded, its one face found, aligned and embedded, or refused with a reason; and the worker's RSS. */
  analyse(params: { pictures: PictureInput[]; purpose: 'self-test' | 'verify' }): { results: PictureAnalysis[]; rssBytes: number };
}
