// The face step's calls carry pictures: raw JPEG bytes (sent as binary
// attachments, see frames.ts), each capped, plus the liveness trace the core
// replays.
import { z } from 'zod';
import { livenessActions, traceEntrySchema } from '../face/liveness';
import { MAX_FRAME_JPEG_BYTES, MAX_STILL_JPEG_BYTES, MAX_TRACE_ENTRIES } from '../face/settings';

/** Bytes of at most `max` length (a Uint8Array, or a Node Buffer, which is one). */
export function bytesSchema(max: number) {
  return z.instanceof(Uint8Array).refine((bytes) => bytes.byteLength <= max, { message: `at most ${max} bytes` });
}

export const challengeSchema = z
  .object({
    id: z.string().min(8).max(64),
    steps: z.array(z.enum(livenessActions)).min(1).max(livenessActions.length),
    stepTimeoutMs: z.int().positive(),
  })
  .strict();

const picture = (max: number) =>
  z
    .object({
      jpeg: bytesSchema(max),
      width: z.int().min(16).max(4096),
      height: z.int().min(16).max(4096),
    })
    .strict();

export const faceCaptureParamsSchema = z
  .object({
    challengeId: z.string().min(8).max(64),
    trace: z.array(traceEntrySchema).min(1).max(MAX_TRACE_ENTRIES),
    /** Face crops, best first, with their quality score (0–100). */
    frames: z
      .array(
        picture(MAX_FRAME_JPEG_BYTES)
          .extend({ score: z.number().min(0).max(100) })
          .strict(),
      )
      .min(1)
      .max(5),
    still: picture(MAX_STILL_JPEG_BYTES),
  })
  .strict();
export type FaceCaptureParams = z.output<typeof faceCaptureParamsSchema>;
