// Sign-off between booth and upstream (issue 15): what the booth reads when
// it asks the upstream for the officer's decision on an enrollment
// (GET /v1/signoff/{enrollmentId}?wait=S, signed like every booth request).
// A decision is signed by the upstream's Ed25519 key over
// CBOR([label, enrollmentId, boothId, state, reason, officerId, decidedAt]),
// the acknowledgements' pattern, so only the booth's own upstream can
// approve for it.
import { z } from 'zod';
import { coseCbor } from '../signoff/cose';
import { rejectionReasons } from '../signoff/approval';

const DECISION_LABEL = 'anjungan-ikd/signoff-decision/v1';
/** The longest a booth's request for a decision waits on the upstream. */
export const MAX_SIGNOFF_WAIT_S = 25;

const decided = z
  .object({
    enrollmentId: z.string(),
    boothId: z.string(),
    state: z.enum(['approved', 'rejected']),
    reason: z.enum(rejectionReasons).nullable(),
    officerId: z.string(),
    decidedAt: z.string(),
    signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/),
    serverTime: z.string(),
  })
  .strict();

export const signoffAnswerSchema = z.discriminatedUnion('state', [
  z.object({ enrollmentId: z.string(), state: z.literal('pending'), serverTime: z.string() }).strict(),
  decided,
]);
export type SignoffAnswer = z.infer<typeof signoffAnswerSchema>;
export type DecidedAnswer = z.infer<typeof decided>;

export function decisionToBeSigned(fields: Omit<DecidedAnswer, 'signature' | 'serverTime'>): Uint8Array {
  return coseCbor.encode([
    DECISION_LABEL,
    fields.enrollmentId,
    fields.boothId,
    fields.state,
    fields.reason,
    fields.officerId,
    fields.decidedAt,
  ]);
}
