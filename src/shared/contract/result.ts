// Expected failures travel as values, never as exceptions: the renderer can
// show every one of them, and a thrown error always means a bug. Which
// failures a method may answer is declared with the method (define.ts).
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
  // The e-KTP read failed; `reason` says how (reasons.ts: cardReadReasons). BUSY with reason STILL_READING: a cut-short read
  // still holds the reader.
  'CARD_FAILED',
  // The face step failed; `reason` says how (LIVENESS_<failure>, ATTEMPTS_EXHAUSTED, CHALLENGE_UNKNOWN, BAD_IMAGE, NOT_CAPTURED, …).
  'FACE_FAILED',
  // The officer's approval QR the booth's camera read was refused; `reason` says why (reasons.ts: approvalRefusals).
  'APPROVAL_REFUSED',
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

/** Any error the booth can answer (what a transport carries before the contract narrows it). */
export type BoothError = z.infer<typeof boothErrorSchema>;

/** One error of code `C`: with a reason from `R`, or (R never) without one. */
export type BoothErrorOf<C extends ErrorCode, R extends string = never> = [R] extends [never]
  ? { code: C; message: string; reason?: undefined; issues?: string[] }
  : { code: C; message: string; reason: R; issues?: string[] };

export type Success<T> = { ok: true; value: T };
/** A failed answer of code `C` (with a reason from `R` when given). */
export type Failure<C extends ErrorCode, R extends string = never> = { ok: false; error: BoothErrorOf<C, R> };

/** An answer: the value, or an error of `E` (a method's declared failures; any error when not said). */
export type Result<T, E extends BoothError = BoothError> = Success<T> | { ok: false; error: E };

export function ok<T>(value: T): Success<T> {
  return { ok: true, value };
}

/** What a failure carries besides its code and message. */
export interface FailureDetail {
  reason?: string;
  issues?: string[];
}

/**
 * A failed answer; its type keeps the literal code and reason, so the method's declaration can check them. (NoInfer: the
 * types come from the arguments only, never from the answer a handler is expected to give.)
 */
export function fail<const C extends ErrorCode, const D extends FailureDetail = {}>(
  code: C,
  message: string,
  detail?: D,
): { ok: false; error: NoInfer<{ code: C; message: string } & D> } {
  return { ok: false, error: { code, message, ...detail } as { code: C; message: string } & D };
}

/** Schema of a Result whose value follows `value`. */
export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: boothErrorSchema }),
  ]);
}
