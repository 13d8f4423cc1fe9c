// The upstream's acknowledgement of one record: what lets the booth mark it
// acknowledged (and, after its retention, purge it). A CBOR map
// (RFC 8949), signed by the upstream's Ed25519 key:
//
//   { v: 1, recordId, boothId, digest: bstr(32), receivedAt, upstreamKeyId, sig: bstr(64) }
//
// - digest = SHA-256 of the exact sealed record bytes the upstream stored:
//   the booth checks it against its own bytes, so an acknowledgement for
//   another version of the record (or another record) is refused.
// - sig = Ed25519(upstream signing key, CBOR([label, v, recordId, boothId,
//   digest, receivedAt, upstreamKeyId])) (RFC 8032 §5.1.6), the same
//   fixed-order, labelled structure as the booth's record signature
//   (src/core/vault/record.ts), so neither can be taken for the other.
// The booth keeps the acknowledgement with the outbox row: proof, for an
// audit, that the upstream took the record before the booth purged it.
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { cbor, UUIDV7_PATTERN } from '../vault';

export const ACK_VERSION = 1;
const ACK_LABEL = 'anjungan-ikd/acknowledgement/v1';

export interface Acknowledgement {
  v: typeof ACK_VERSION;
  recordId: string;
  boothId: string;
  digest: Uint8Array;
  /** ISO 8601, UTC: when the upstream first stored the record. */
  receivedAt: string;
  upstreamKeyId: string;
  sig: Uint8Array;
}

const FIELDS = ['v', 'recordId', 'boothId', 'digest', 'receivedAt', 'upstreamKeyId', 'sig'] as const;

export function recordDigest(sealed: Uint8Array): Buffer {
  return createHash('sha256').update(sealed).digest();
}

function toBeSigned(ack: Omit<Acknowledgement, 'sig'>): Uint8Array {
  return cbor.encode([ACK_LABEL, ack.v, ack.recordId, ack.boothId, ack.digest, ack.receivedAt, ack.upstreamKeyId]);
}

/** The upstream's side: signs and encodes one acknowledgement. */
export function signAcknowledgement(
  fields: { recordId: string; boothId: string; digest: Uint8Array; receivedAt: string; upstreamKeyId: string },
  signingKey: KeyObject,
): Uint8Array {
  const unsigned = { v: ACK_VERSION, ...fields, digest: Buffer.from(fields.digest) } as const;
  const sig = sign(null, toBeSigned(unsigned), signingKey);
  return cbor.encode(Object.fromEntries(FIELDS.map((field) => [field, field === 'sig' ? sig : unsigned[field]])));
}

export type AcknowledgementProblem = 'NOT_CBOR' | 'BAD_SHAPE' | 'BAD_SIGNATURE' | 'WRONG_RECORD';
export type CheckedAcknowledgement =
  { ok: true; acknowledgement: Acknowledgement } | { ok: false; problem: AcknowledgementProblem; message: string };

/**
 * The booth's side: decodes an acknowledgement and checks that the configured upstream signed it, for this record, this
 * booth and these exact bytes. Anything else is refused, so the record stays in the outbox.
 */
export function checkAcknowledgement(
  bytes: Uint8Array,
  expected: { recordId: string; boothId: string; sealed: Uint8Array; upstreamPublicKey: KeyObject },
): CheckedAcknowledgement {
  let value: unknown;
  try {
    value = cbor.decode(bytes);
  } catch (error) {
    return { ok: false, problem: 'NOT_CBOR', message: `the acknowledgement is not CBOR: ${(error as Error).message}` };
  }
  const ack = value as Partial<Acknowledgement> | null;
  const shapeOk =
    typeof ack === 'object' &&
    ack !== null &&
    !Array.isArray(ack) &&
    Object.keys(ack).length === FIELDS.length &&
    ack.v === ACK_VERSION &&
    typeof ack.recordId === 'string' &&
    UUIDV7_PATTERN.test(ack.recordId) &&
    typeof ack.boothId === 'string' &&
    ack.digest instanceof Uint8Array &&
    ack.digest.length === 32 &&
    typeof ack.receivedAt === 'string' &&
    !Number.isNaN(Date.parse(ack.receivedAt)) &&
    typeof ack.upstreamKeyId === 'string' &&
    ack.sig instanceof Uint8Array &&
    ack.sig.length === 64;
  if (!shapeOk)
    return { ok: false, problem: 'BAD_SHAPE', message: 'the acknowledgement does not have the fields of a version 1 acknowledgement' };
  const checked = ack as Acknowledgement;
  if (!verify(null, toBeSigned(checked), expected.upstreamPublicKey, checked.sig))
    return {
      ok: false,
      problem: 'BAD_SIGNATURE',
      message: `the acknowledgement of ${checked.recordId} is not signed by the configured upstream key (is the booth pointed at another upstream?)`,
    };
  if (checked.recordId !== expected.recordId || checked.boothId !== expected.boothId)
    return {
      ok: false,
      problem: 'WRONG_RECORD',
      message: `an acknowledgement of ${checked.boothId}/${checked.recordId} came for ${expected.boothId}/${expected.recordId}`,
    };
  if (Buffer.compare(Buffer.from(checked.digest), recordDigest(expected.sealed)) !== 0)
    return {
      ok: false,
      problem: 'WRONG_RECORD',
      message: `the acknowledgement of ${checked.recordId} is for other bytes than the booth sent`,
    };
  return { ok: true, acknowledgement: checked };
}
