// The face step's calls carry pictures: raw JPEG bytes (sent as binary
// attachments, see frames.ts), each capped, plus the liveness trace the core
// replays. Every picture taken during the challenge carries its time on the
// trace's clock (`t`), so the core can tell when it was taken.
import { z } from 'zod';
import { livenessActions, livenessFailures, MAX_CHALLENGE_STEPS, traceEntrySchema } from '../face/liveness';
import { MAX_FRAME_JPEG_BYTES, MAX_STILL_JPEG_BYTES, MAX_TRACE_ENTRIES } from '../face/settings';

/** Bytes of at most `max` length (a Uint8Array, or a Node Buffer, which is one). */
export function bytesSchema(max: number) {
  return z.instanceof(Uint8Array).refine((bytes) => bytes.byteLength <= max, { message: `at most ${max} bytes` });
}

export const challengeSchema = z
  .object({
    id: z.string().min(8).max(64),
    steps: z.array(z.enum(livenessActions)).min(1).max(MAX_CHALLENGE_STEPS),
    stepTimeoutMs: z.int().positive(),
    /** Per step: from the end of the step before (or the start), the time until its tone. */
    waitsMs: z.array(z.int().min(0).max(60_000)).min(1).max(MAX_CHALLENGE_STEPS),
  })
  .strict()
  .refine((c) => c.waitsMs.length === c.steps.length, { message: 'one wait per step', path: ['waitsMs'] });

/** A frame's time on the trace's clock (milliseconds since the challenge started). */
const traceTime = traceEntrySchema.shape.t;

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
    /** Face crops from the final look-straight phase, best first, with their quality score (0–100). */
    frames: z
      .array(
        picture(MAX_FRAME_JPEG_BYTES)
          .extend({ score: z.number().min(0).max(100), t: traceTime })
          .strict(),
      )
      .min(1)
      .max(5),
    /**
     * One face crop per challenge step, in the challenge's order: the frame where the screen's judge saw the action at its
     * clearest (eyes shut deepest, head turned furthest), with that frame's time.
     */
    actions: z
      .array(
        picture(MAX_FRAME_JPEG_BYTES)
          .extend({ action: z.enum(livenessActions), t: traceTime })
          .strict(),
      )
      .min(1)
      .max(MAX_CHALLENGE_STEPS),
    still: picture(MAX_STILL_JPEG_BYTES),
  })
  .strict();
export type FaceCaptureParams = z.output<typeof faceCaptureParamsSchema>;

/** Why an attempt failed on the screen before any capture was sent: the judge's verdict, or the pictures could not be encoded. */
export const screenAttemptFailures = [...livenessFailures, 'ENCODING_FAILED'] as const;
export type ScreenAttemptFailure = (typeof screenAttemptFailures)[number];

export const faceAttemptFailedParamsSchema = z
  .object({
    challengeId: z.string().min(8).max(64),
    reason: z.enum(screenAttemptFailures),
  })
  .strict();
export type FaceAttemptFailedParams = z.output<typeof faceAttemptFailedParamsSchema>;

/** What can stop the face step on the screen itself: the camera (not found, refused, busy, failed) or MediaPipe's models. */
export const screenFaceProblems = ['NO_CAMERA', 'CAMERA_DENIED', 'CAMERA_BUSY', 'CAMERA_FAILED', 'MODEL_FAILED'] as const;
export type ScreenFaceProblem = (typeof screenFaceProblems)[number];
