// What the face-match worker serves, typed once for both sides.
import type { PictureAnalysis, PictureInput } from './faceEngine';

export interface FaceMatchWorkerData {
  /** The face mesh is optional: without it the worker matches faces but cannot check action pictures. */
  models: { detector: Uint8Array; embedding: Uint8Array; landmarks?: Uint8Array };
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
  /**
   * Each picture decoded, its one face found, aligned and embedded (and measured by the face mesh with `mesh`), or refused with
   * a reason; and the worker's RSS. Purpose 'evidence' is a capture's check, 'verify' a match (faults apply to both).
   */
  analyse(params: { pictures: PictureInput[]; purpose: 'self-test' | 'verify' | 'evidence'; mesh?: boolean }): {
    results: PictureAnalysis[];
    rssBytes: number;
  };
}
