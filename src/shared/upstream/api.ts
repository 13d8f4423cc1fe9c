// The booth ↔ upstream contract (the upstream's audience): the JSON bodies
// of the reference upstream's API, validated with these schemas where they
// are received (the upstream validates requests, the booth validates
// answers). The full API, with the CBOR routes, is docs/upstream-api.json
// (OpenAPI 3.1), checked against the server in a test.
import { z } from 'zod';

/** Why the upstream refused a request or a record: stable codes, each with a message in plain words. */
export const upstreamErrorCodes = [
  'BAD_REQUEST',
  'BAD_DIGEST',
  'BAD_SIGNATURE',
  'SIGNATURE_EXPIRED',
  'UNKNOWN_BOOTH',
  'BOOTH_REVOKED',
  'BOOTH_KEY_MISMATCH',
  'REGISTRATION_CLOSED',
  'TOO_LARGE',
  'BUSY',
  'INTERNAL',
  // Per record (in a batch answer) or for the single-record route:
  'NOT_A_RECORD',
  'WRONG_BOOTH',
  'UNKNOWN_RECIPIENT_KEY',
  'UNREADABLE',
  'INVALID_CONTENT',
  'IN_PROGRESS',
  'DIGEST_MISMATCH',
  // The IKD app's redemption of an activation code (POST /v1/activations/redeem):
  'WRONG_CODE',
  'ALREADY_ACTIVATED',
  'CODE_EXPIRED',
  'LOCKED',
] as const;
export type UpstreamErrorCode = (typeof upstreamErrorCodes)[number];

export const upstreamErrorSchema = z.object({
  error: z.object({ code: z.enum(upstreamErrorCodes), message: z.string(), serverTime: z.string().optional() }),
});
export type UpstreamError = z.infer<typeof upstreamErrorSchema>;

/** GET /v1/health: cheap, unsigned; the booth's connectivity probe and clock reference. */
export const healthAnswerSchema = z.object({
  status: z.literal('ok'),
  /** The upstream's clock, ISO 8601 with milliseconds. */
  serverTime: z.string(),
  /** The key records must be sealed to (X25519, base64url) and its id. */
  sealingKey: z.object({ id: z.string(), publicKey: z.string() }),
  /** The key acknowledgements are signed with (Ed25519, base64url). */
  signingKey: z.object({ publicKey: z.string() }),
});
export type HealthAnswer = z.infer<typeof healthAnswerSchema>;

const boothIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);
const base64url32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** POST /v1/booths/register: a booth presents its key, signed with it (accepted only where the upstream allows it). */
export const registerBodySchema = z
  .object({ boothId: boothIdSchema, publicKey: base64url32, softwareVersion: z.string().max(64) })
  .strict();
export type RegisterBody = z.infer<typeof registerBodySchema>;

/** POST /v1/heartbeats: what the fleet page shows of a booth. */
export const heartbeatBodySchema = z
  .object({
    boothId: boothIdSchema,
    /** The booth's clock when it sent this (ISO 8601). */
    sentAt: z.string(),
    queue: z
      .object({
        /** Records not yet acknowledged (pending and sending). */
        depth: z.int().min(0),
        /** Age in seconds of the oldest of them (null: none). */
        oldestAgeSeconds: z.number().min(0).nullable(),
      })
      .strict(),
    sync: z
      .object({
        state: z.string().max(40),
        lastSuccessAt: z.string().nullable(),
        lastError: z
          .object({ code: z.string().max(60), message: z.string().max(500), at: z.string() })
          .strict()
          .nullable(),
        /** Upstream clock minus booth clock, ms (positive: the booth is behind). */
        clockOffsetMs: z.number().nullable(),
      })
      .strict(),
    disk: z.object({ freeBytes: z.number().min(0).nullable() }).strict(),
    software: z.object({ version: z.string().max(64), models: z.record(z.string(), z.string()) }).strict(),
    selfTest: z.object({ state: z.enum(['passed', 'failed', 'pending', 'none']), detail: z.string().max(300).nullable() }).strict(),
  })
  .strict();
export type HeartbeatBody = z.infer<typeof heartbeatBodySchema>;

export const heartbeatAnswerSchema = z.object({ ok: z.literal(true), serverTime: z.string() });

/** One record's outcome in a batch answer (CBOR), with the Idempotency-Key draft's status codes. */
export type RecordOutcome =
  | { id: string; status: 201 | 200; ack: Uint8Array }
  | { id: string | null; status: 400 | 403 | 409 | 422; code: UpstreamErrorCode; message: string };

/** POST /v1/records answers this CBOR map. */
export interface BatchAnswer {
  results: RecordOutcome[];
  serverTime: string;
}
