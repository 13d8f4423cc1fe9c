// Expected failures travel as values, never as exceptions: the renderer can
// show every one of them, and a thrown error always means a bug.
import { z } from 'zod';

/** Every error code the booth can answer, transport and domain alike. */
export const errorCodes = [
  // The call itself was wrong (any transport).
  'BAD_REQUEST',
  'UNKNOWN_METHOD',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHORIZED',
  'FORBIDDEN_ORIGIN',
  'NOT_FOUND',
  'BUSY',
  // The booth could not serve it.
  'INTERNAL',
  'TRANSPORT_CLOSED',
  'TIMEOUT',
  // The core process is down (crashed and restarting, given up after too many
  // crashes, or stopping); `reason` says which: RESTARTING, GAVE_UP, STOPPING.
  'OUT_OF_SERVICE',
  // The citizen's journey.
  'NO_SESSION',
  'WRONG_STEP',
  'INVALID_NIK',
  'INVALID_EMAIL',
  'INVALID_PHONE',
  'STEP_UNAVAILABLE',
  // The e-KTP read failed; `reason` says how: the card (NO_CARD, CARD_REMOVED,
  // NOT_EKTP, UNREADABLE_CARD, MALFORMED, TOO_LARGE, ENDLESS_MORE_DATA,
  // AUTH_FAILED, TIMEOUT), the citizen (NIK_MISMATCH, NIK_MISMATCH_FINAL,
  // CANCELLED) or the booth (NO_READER, SAM_MISSING, SAM_LOCKED). BUSY with
  // reason STILL_READING: a cut-short read still holds the reader.
  'CARD_FAILED',
  // The face step failed; `reason` says how (LIVENESS_<failure>, ATTEMPTS_EXHAUSTED,
  // CHALLENGE_UNKNOWN, BAD_IMAGE, NOT_CAPTURED).
  'FACE_FAILED',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export const boothErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  /** Machine-readable reason inside a code, e.g. which NIK rule failed. */
  reason: z.string().optional(),
  /** Where in the payload a BAD_REQUEST was found, as dotted paths. */
  issues: z.array(z.string()).optional(),
});

export type BoothError = z.infer<typeof boothErrorSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: BoothError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string, extra: Omit<BoothError, 'code' | 'message'> = {}): { ok: false; error: BoothError } {
  return { ok: false, error: { code, message, ...extra } };
}

/** Schema of a Result whose value follows `value`. */
export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: boothErrorSchema }),
  ]);
}
