// The sealed record: what the vault stores and the upstream receives. A
// CBOR map (RFC 8949) holding a clear header and the HPKE-sealed content,
// signed by the booth's Ed25519 key:
//
//   { v: 1, id, kind, about, boothId, createdAt, recipientKeyId,
//     enc: bstr(32), ct: bstr, sig: bstr(64) }
//
// - ct = SealBase(upstream key, info = "anjungan-ikd/record/v1",
//   aad = CBOR([label, id, kind, about, boothId]), CBOR(content)): the id
//   is bound to the ciphertext, so a record's content cannot be replayed
//   under another id (RFC 9180 §5.2: the AAD is authenticated, not sent).
// - sig = Ed25519(booth key, CBOR([label, v, id, kind, about, boothId,
//   createdAt, recipientKeyId, enc, SHA-256(ct)])) (RFC 8032 §5.1.6): the
//   same idea as COSE's Sig_structure (RFC 9052 §4.4), a context label and
//   every field in a fixed order, so changing any byte of the record breaks
//   it. The ciphertext is signed through its SHA-256 digest, as COSE's hash
//   envelope does for large payloads: Ed25519 hashes its message twice with
//   SHA-512, which over a 48 KB record cost more than all the rest of the
//   sealing (bench/vault.ts).
// The header holds no personal data; the content (NIK, name, photos…) is
// only in ct, which this booth cannot open again.
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { Encoder } from 'cbor-x';
import { sealBase } from './hpke';
import { UUIDV7_PATTERN } from './uuidv7';

export const RECORD_VERSION = 1;
const SIGNATURE_LABEL = 'anjungan-ikd/record-signature/v1';
const AAD_LABEL = 'anjungan-ikd/record-aad/v1';
export const HPKE_INFO = new TextEncoder().encode('anjungan-ikd/record/v1');

/** What a record says: a finished enrollment, or a later event about one (linked by `about`). */
export const recordKinds = ['enrollment', 'signoff', 'cancellation'] as const;
export type RecordKind = (typeof recordKinds)[number];

export interface RecordHeader {
  v: typeof RECORD_VERSION;
  /** UUIDv7 of this record. */
  id: string;
  kind: RecordKind;
  /** The enrollment this event is about (null for an enrollment). */
  about: string | null;
  boothId: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  /** Which upstream key the content is sealed to (the upstream picks its private key by it). */
  recipientKeyId: string;
}

export interface SealedRecord extends RecordHeader {
  enc: Uint8Array;
  ct: Uint8Array;
  sig: Uint8Array;
}

/** Plain CBOR: no cbor-x record extension and byte strings for bytes, so any CBOR decoder reads it. */
export const cbor = new Encoder({ useRecords: false, tagUint8Array: false, mapsAsObjects: true, variableMapSize: true });

export function recordAad(header: Pick<RecordHeader, 'id' | 'kind' | 'about' | 'boothId'>): Uint8Array {
  return cbor.encode([AAD_LABEL, header.id, header.kind, header.about, header.boothId]);
}

function toBeSigned(record: Omit<SealedRecord, 'sig'>): Uint8Array {
  const { v, id, kind, about, boothId, createdAt, recipientKeyId, enc, ct } = record;
  const ctDigest = createHash('sha256').update(ct).digest();
  return cbor.encode([SIGNATURE_LABEL, v, id, kind, about, boothId, createdAt, recipientKeyId, enc, ctDigest]);
}

export interface SealKeys {
  /** The upstream's X25519 public key. */
  recipient: KeyObject;
  recipientKeyId: string;
  /** The booth's Ed25519 private key. */
  signing: KeyObject;
}

/** Seals `content` (any CBOR-encodable value) to the upstream and signs the record; returns its CBOR bytes. */
export function sealRecord(header: Omit<RecordHeader, 'v' | 'recipientKeyId'>, content: unknown, keys: SealKeys): Uint8Array {
  const full: RecordHeader = { v: RECORD_VERSION, ...header, recipientKeyId: keys.recipientKeyId };
  const plaintext = cbor.encode(content);
  const { enc, ciphertext } = sealBase(keys.recipient, HPKE_INFO, recordAad(full), plaintext);
  plaintext.fill(0);
  const unsigned = { ...full, enc, ct: ciphertext };
  const sig = sign(null, toBeSigned(unsigned), keys.signing);
  return cbor.encode({ ...unsigned, sig });
}

/** cbor-x's RESET_BUFFER_MODE (not in its types): the next encode reuses the same buffer. */
const RESET_BUFFER_MODE = 1024;
/**
 * The plain encoding of `value`, valid only until the next encode: for a comparison made at once. It reuses the encoder's
 * buffer instead of taking 48 KB of fresh memory for every record checked (the upstream checks a thousand a second).
 */
function encodeForComparison(value: unknown): Uint8Array {
  return (cbor as unknown as { encode(value: unknown, options: number): Uint8Array }).encode(value, RESET_BUFFER_MODE);
}

export type RecordProblem = 'NOT_CBOR' | 'BAD_SHAPE' | 'BAD_SIGNATURE';
export type CheckedRecord = { ok: true; record: SealedRecord } | { ok: false; problem: RecordProblem; message: string };

const FIELDS = ['v', 'id', 'kind', 'about', 'boothId', 'createdAt', 'recipientKeyId', 'enc', 'ct', 'sig'];
const isBytes = (value: unknown): value is Uint8Array => value instanceof Uint8Array;

/**
 * Decodes a record and checks its shape and the booth's signature. It does
 * not open the content (only the upstream can). A record that fails is
 * reported, never sent as valid.
 */
export function checkSealedRecord(bytes: Uint8Array, boothPublicKey: KeyObject): CheckedRecord {
  let value: unknown;
  try {
    value = cbor.decode(bytes);
  } catch (error) {
    return { ok: false, problem: 'NOT_CBOR', message: `the record is not CBOR: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, problem: 'BAD_SHAPE', message: 'the record is not a CBOR map' };
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const shapeOk =
    keys.length === FIELDS.length &&
    FIELDS.every((field) => keys.includes(field)) &&
    record.v === RECORD_VERSION &&
    typeof record.id === 'string' &&
    UUIDV7_PATTERN.test(record.id) &&
    recordKinds.includes(record.kind as RecordKind) &&
    (record.about === null || (typeof record.about === 'string' && UUIDV7_PATTERN.test(record.about))) &&
    (record.kind === 'enrollment') === (record.about === null) &&
    typeof record.boothId === 'string' &&
    typeof record.createdAt === 'string' &&
    !Number.isNaN(Date.parse(record.createdAt)) &&
    typeof record.recipientKeyId === 'string' &&
    isBytes(record.enc) &&
    record.enc.length === 32 &&
    isBytes(record.ct) &&
    record.ct.length > 16 &&
    isBytes(record.sig) &&
    record.sig.length === 64;
  if (!shapeOk) return { ok: false, problem: 'BAD_SHAPE', message: 'the record does not have the fields of a version 1 record' };
  const sealed = record as unknown as SealedRecord;
  // One encoding only: bytes that decode to the same fields but are not their plain encoding are not this booth's record.
  const canonical = Object.fromEntries(FIELDS.map((field) => [field, record[field]]));
  if (Buffer.compare(encodeForComparison(canonical), bytes) !== 0)
    return { ok: false, problem: 'BAD_SHAPE', message: `record ${sealed.id}: not in its one valid encoding` };
  if (!verify(null, toBeSigned(sealed), boothPublicKey, sealed.sig))
    return { ok: false, problem: 'BAD_SIGNATURE', message: `record ${sealed.id}: the booth's signature does not match its bytes` };
  return { ok: true, record: sealed };
}
