// The booth asks its upstream whether an officer decided on an enrollment
// (GET /v1/signoff/{id}?wait=S, a signed long-poll) and believes only an
// answer signed by the upstream's key (src/shared/upstream/signoff.ts).
import { verify, type KeyObject } from 'node:crypto';
import { decisionToBeSigned, MAX_SIGNOFF_WAIT_S, signoffAnswerSchema } from '../../shared/upstream/signoff';
import type { Transport } from './transport';

export type SignoffPoll =
  | { kind: 'pending' }
  | {
      kind: 'decided';
      decision: 'approve' | 'reject';
      reason: string | null;
      officerId: string;
      decidedAt: string;
      /** The upstream's signature (base64url), kept with the booth's sealed sign-off record. */
      signature: string;
    }
  /** No answer (offline, timed out, cut): ask again later. */
  | { kind: 'unreachable'; message: string }
  /** An answer this booth cannot take (refused, unsigned, for another enrollment): ask again later, and log it. */
  | { kind: 'refused'; message: string };

export async function pollSignoffDecision(
  transport: Transport,
  expected: { enrollmentId: string; boothId: string; upstreamPublicKey: KeyObject },
  waitS: number,
): Promise<SignoffPoll> {
  const wait = Math.max(0, Math.min(MAX_SIGNOFF_WAIT_S, Math.floor(waitS)));
  const answer = await transport.signed({
    method: 'GET',
    path: `/v1/signoff/${expected.enrollmentId}?wait=${wait}`,
    body: new Uint8Array(),
    contentType: 'application/json',
  });
  if (!answer.ok) return { kind: 'unreachable', message: answer.message };
  if (answer.status !== 200)
    return { kind: 'refused', message: `the upstream answered ${answer.status}: ${answer.body.toString('utf8').slice(0, 300)}` };
  let parsed;
  try {
    parsed = signoffAnswerSchema.parse(JSON.parse(answer.body.toString('utf8')));
  } catch {
    return { kind: 'refused', message: 'the upstream’s sign-off answer is not what this booth understands' };
  }
  if (parsed.enrollmentId !== expected.enrollmentId) return { kind: 'refused', message: 'an answer about another enrollment' };
  if (parsed.state === 'pending') return { kind: 'pending' };
  const { signature, serverTime: _serverTime, ...fields } = parsed;
  if (fields.boothId !== expected.boothId) return { kind: 'refused', message: `a decision for booth ${fields.boothId}` };
  if (!verify(null, decisionToBeSigned(fields), expected.upstreamPublicKey, Buffer.from(signature, 'base64url')))
    return { kind: 'refused', message: 'a decision not signed by this booth’s upstream: it is ignored' };
  return {
    kind: 'decided',
    decision: fields.state === 'approved' ? 'approve' : 'reject',
    reason: fields.reason,
    officerId: fields.officerId,
    decidedAt: fields.decidedAt,
    signature,
  };
}
