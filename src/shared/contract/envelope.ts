// What travels on a transport. A call carries an id the answer repeats, so
// several calls can be in flight on one connection.
import { z } from 'zod';
import { boothErrorSchema } from './result';

/** JSON calls larger than this are refused with PAYLOAD_TOO_LARGE. */
export const MAX_CALL_BYTES = 64 * 1024;

export const callEnvelopeSchema = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  method: z.string().min(1).max(64),
  params: z.unknown(),
});
export type CallEnvelope = z.infer<typeof callEnvelopeSchema>;

export const resultEnvelopeSchema = z.object({
  type: z.literal('result'),
  /** null when the call was too broken to carry an id. */
  id: z.number().int().nonnegative().nullable(),
  result: z.union([z.object({ ok: z.literal(true), value: z.unknown() }), z.object({ ok: z.literal(false), error: boothErrorSchema })]),
});
export type ResultEnvelope = z.infer<typeof resultEnvelopeSchema>;

export const eventEnvelopeSchema = z.object({
  type: z.literal('event'),
  event: z.string().max(64),
  payload: z.unknown(),
});
export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;
