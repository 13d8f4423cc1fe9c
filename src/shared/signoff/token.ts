// The sign-off token: what the booth shows as a QR at the end of a journey
// and an officer's phone verifies. A CWT (RFC 8392) in an untagged
// COSE_Sign1 signed by the booth's Ed25519 key, Base45 text after "IKD1:".
// docs/signoff-token.md specifies it byte by byte; in short:
//
//   protected  {1: -8 (EdDSA), 4: kid}  kid = SHA-256(booth raw public key)[0..4]
//   payload    {2 (sub): enrollment id (16-byte UUID),
//               4 (exp): NumericDate, 6 (iat): NumericDate,
//               7 (cti): 6-byte one-time nonce,
//               -65537 (private use, RFC 8392 §9.1):
//                 [NIK last four digits (uint 0..9999), 6-byte keyed NIK digest,
//                  flags (bit 0 chip authenticated by the SAM, bit 1 liveness passed),
//                  match distance ‰, match threshold ‰ (matched when distance ≤ threshold),
//                  best live-picture quality 0..100]}
//
// At most 64 payload bytes and 144 COSE bytes: 221 characters with the
// prefix, which QR version 10 holds at error correction Q. No name, photo,
// e-mail or phone is in it; the booth is named by its key id.
import { ALG, decodeSign1, encodeSign1, HEADER, verifyEd25519Sign1, coseCbor, decodeCbor } from './cose';
import { fromText, inflate, toText, type TextFailure } from './text';

export const SIGNOFF_PREFIX = 'IKD1:';
/** CWT claim keys (RFC 8392 §4) and the private claim holding the evidence. */
export const CLAIM = { sub: 2, exp: 4, iat: 6, cti: 7, evidence: -65537 } as const;
export const KID_BYTES = 4;
export const NONCE_BYTES = 6;
export const NIK_DIGEST_BYTES = 6;
/** The largest COSE_Sign1 that still fits QR version 10-Q with the prefix (221 − 5 characters of Base45). */
export const MAX_TOKEN_BYTES = 144;
/** A token lives a few minutes; a verifier refuses one that claims to live longer. */
export const MAX_LIFETIME_SEC = 15 * 60;
/** Clocks of a booth and a phone may disagree by this much. */
export const CLOCK_SKEW_SEC = 60;

export interface SignoffEvidence {
  /** The SAM and the chip authenticated each other (the card is genuine). */
  chipAuthenticated: boolean;
  /** Every liveness step passed. */
  livenessPassed: boolean;
  /** The deciding distance between live face and chip photo, in thousandths (lower is closer). */
  matchDistance: number;
  /** The booth's threshold, in thousandths: matched when matchDistance ≤ matchThreshold. */
  matchThreshold: number;
  /** The best live picture's quality, 0 to 100. */
  quality: number;
}

export interface SignoffClaims {
  /** The enrollment's UUID (the vault record's id). */
  enrollmentId: string;
  /** Seconds since 1970 (NumericDate). */
  issuedAt: number;
  expiresAt: number;
  nonce: Uint8Array;
  /** The NIK's last four digits, as text ("0042"). */
  nikLast4: string;
  /** HMAC-SHA-256 of the NIK under a key sealed into the enrollment, first 6 bytes: the upstream checks it, nobody else can. */
  nikDigest: Uint8Array;
  evidence: SignoffEvidence;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function uuidToBytes(uuid: string): Uint8Array {
  if (!UUID.test(uuid)) throw new Error(`not a lower-case UUID: ${uuid}`);
  const hex = uuid.replaceAll('-', '');
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

export function bytesToUuid(bytes: Uint8Array): string {
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const toHex = (bytes: Uint8Array): string => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

const isUint = (value: unknown, max: number): value is number =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= max;
const isBytesOf = (value: unknown, length: number): value is Uint8Array => value instanceof Uint8Array && value.length === length;

/** The CWT payload's bytes. Throws on claims out of range (a bug in the caller, never a citizen's input). */
export function encodeSignoffClaims(claims: SignoffClaims): Uint8Array {
  const { evidence: e } = claims;
  const problems = [
    !isUint(claims.issuedAt, 0xffffffff) && 'issuedAt',
    !isUint(claims.expiresAt, 0xffffffff) && 'expiresAt',
    !isBytesOf(claims.nonce, NONCE_BYTES) && 'nonce',
    !/^\d{4}$/.test(claims.nikLast4) && 'nikLast4',
    !isBytesOf(claims.nikDigest, NIK_DIGEST_BYTES) && 'nikDigest',
    !isUint(e.matchDistance, 0xffff) && 'matchDistance',
    !isUint(e.matchThreshold, 0xffff) && 'matchThreshold',
    !isUint(e.quality, 100) && 'quality',
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`sign-off claims out of range: ${problems.join(', ')}`);
  const flags = (e.chipAuthenticated ? 1 : 0) | (e.livenessPassed ? 2 : 0);
  return coseCbor.encode(
    new Map<number, unknown>([
      [CLAIM.sub, uuidToBytes(claims.enrollmentId)],
      [CLAIM.exp, claims.expiresAt],
      [CLAIM.iat, claims.issuedAt],
      [CLAIM.cti, claims.nonce],
      [CLAIM.evidence, [Number(claims.nikLast4), claims.nikDigest, flags, e.matchDistance, e.matchThreshold, e.quality]],
    ]),
  );
}

/** Reads the claims back; null when any claim is missing, extra or of the wrong shape. */
export function parseSignoffClaims(payload: Uint8Array): SignoffClaims | null {
  const decoded = decodeCbor(payload);
  if (!decoded.ok || !(decoded.value instanceof Map)) return null;
  const map = decoded.value as Map<unknown, unknown>;
  if (map.size !== 5) return null;
  const sub = map.get(CLAIM.sub);
  const exp = map.get(CLAIM.exp);
  const iat = map.get(CLAIM.iat);
  const cti = map.get(CLAIM.cti);
  const evidence = map.get(CLAIM.evidence);
  if (!isBytesOf(sub, 16) || !isUint(exp, 0xffffffff) || !isUint(iat, 0xffffffff) || !isBytesOf(cti, NONCE_BYTES)) return null;
  if (!Array.isArray(evidence) || evidence.length !== 6) return null;
  const [last4, digest, flags, distance, threshold, quality] = evidence as unknown[];
  if (!isUint(last4, 9999) || !isBytesOf(digest, NIK_DIGEST_BYTES) || !isUint(flags, 3)) return null;
  if (!isUint(distance, 0xffff) || !isUint(threshold, 0xffff) || !isUint(quality, 100)) return null;
  return {
    enrollmentId: bytesToUuid(sub),
    issuedAt: iat,
    expiresAt: exp,
    nonce: new Uint8Array(cti),
    nikLast4: String(last4).padStart(4, '0'),
    nikDigest: new Uint8Array(digest),
    evidence: {
      chipAuthenticated: (flags & 1) === 1,
      livenessPassed: (flags & 2) === 2,
      matchDistance: distance,
      matchThreshold: threshold,
      quality,
    },
  };
}

export interface BuiltToken {
  /** What the QR holds: "IKD1:" and Base45. */
  text: string;
  /** The COSE_Sign1 bytes. */
  bytes: Uint8Array;
  /** The CWT payload's length. */
  payloadBytes: number;
}

/** Signs the claims into a token. `sign` returns a raw Ed25519 signature of the bytes it is given. */
export function buildSignoffToken(claims: SignoffClaims, kid: Uint8Array, sign: (toBeSigned: Uint8Array) => Uint8Array): BuiltToken {
  if (kid.length !== KID_BYTES) throw new Error(`a booth kid has ${KID_BYTES} bytes, not ${kid.length}`);
  const payload = encodeSignoffClaims(claims);
  const bytes = encodeSign1({
    protectedHeader: new Map<number, unknown>([
      [HEADER.alg, ALG.EdDSA],
      [HEADER.kid, kid],
    ]),
    payload,
    sign,
  });
  if (bytes.length > MAX_TOKEN_BYTES) throw new Error(`a sign-off token of ${bytes.length} bytes exceeds ${MAX_TOKEN_BYTES}`);
  return { text: toText(SIGNOFF_PREFIX, bytes), bytes, payloadBytes: payload.length };
}

/** A booth key as the officer console knows it (from the upstream's registry). */
export interface BoothKey {
  boothId: string;
  /** Raw Ed25519 public key, 32 bytes. */
  publicKey: Uint8Array;
  /** Revoked keys verify nothing from their revocation on (a stolen booth). */
  revoked: boolean;
}

export type SignoffFailure =
  | TextFailure
  /** Decoded but not a well-formed token (cut off, damaged, wrong claims, a lifetime beyond policy). */
  | 'MALFORMED'
  | 'UNSUPPORTED_ALGORITHM'
  /** No booth the verifier knows has this key id. */
  | 'UNKNOWN_BOOTH'
  /** Signed by a booth key that was revoked. */
  | 'REVOKED_KEY'
  /** The key id is known, but the signature does not match: altered or forged. */
  | 'BAD_SIGNATURE'
  | 'NOT_YET_VALID'
  | 'EXPIRED'
  /** This token's nonce was used before. */
  | 'REPLAYED';

export type SignoffVerdict =
  { ok: true; claims: SignoffClaims; boothId: string; kid: string } | { ok: false; reason: SignoffFailure; detail: string };

export interface VerifySignoffOptions {
  /** The booth keys that carry this kid (a 4-byte kid can collide: every match is tried). */
  keysFor(kidHex: string): readonly BoothKey[];
  /** Now, in ms since 1970. */
  now: number;
  /** Whether this nonce (hex) from this kid was already used; checked last, once everything else holds. */
  seen?(kidHex: string, nonceHex: string): boolean;
}

/** Checks a scanned or typed token in the order a forger cannot exploit: shape, key, signature, then time and replay. */
export async function verifySignoffToken(text: string, options: VerifySignoffOptions): Promise<SignoffVerdict> {
  const fail = (reason: SignoffFailure, detail: string): SignoffVerdict => ({ ok: false, reason, detail });
  const raw = fromText(SIGNOFF_PREFIX, text);
  if (!raw.ok) return raw;
  let bytes = raw.bytes;
  if (raw.compressed) {
    const inflated = await inflate(bytes);
    if (!inflated) return fail('MALFORMED', 'the compressed data does not inflate');
    bytes = inflated;
  }
  const sign1 = decodeSign1(bytes);
  if (!sign1.ok) return sign1;
  const kid = sign1.value.protectedHeader.get(HEADER.kid);
  if (!isBytesOf(kid, KID_BYTES)) return fail('MALFORMED', `the protected header has no ${KID_BYTES}-byte kid`);
  const kidHex = toHex(kid);
  const candidates = options.keysFor(kidHex);
  if (candidates.length === 0) return fail('UNKNOWN_BOOTH', `no booth key has the id ${kidHex}`);
  let verdict: { key: BoothKey } | null = null;
  let lastFailure: SignoffVerdict | null = null;
  for (const key of candidates) {
    const checked = verifyEd25519Sign1(sign1.value, key.publicKey);
    if (checked.ok) {
      verdict = { key };
      if (!key.revoked) break;
    } else lastFailure = fail(checked.reason, checked.detail);
  }
  if (!verdict) return lastFailure ?? fail('BAD_SIGNATURE', 'the signature does not match');
  if (verdict.key.revoked) return fail('REVOKED_KEY', `the key ${kidHex} of booth ${verdict.key.boothId} was revoked`);
  const claims = parseSignoffClaims(sign1.value.payload);
  if (!claims) return fail('MALFORMED', 'the claims are not those of a sign-off token');
  if (claims.expiresAt <= claims.issuedAt || claims.expiresAt - claims.issuedAt > MAX_LIFETIME_SEC)
    return fail('MALFORMED', `a lifetime of ${claims.expiresAt - claims.issuedAt} s is outside 1..${MAX_LIFETIME_SEC} s`);
  const nowSec = Math.floor(options.now / 1000);
  if (claims.issuedAt > nowSec + CLOCK_SKEW_SEC) return fail('NOT_YET_VALID', `issued ${claims.issuedAt - nowSec} s in the future`);
  if (claims.expiresAt < nowSec - CLOCK_SKEW_SEC) return fail('EXPIRED', `expired ${nowSec - claims.expiresAt} s ago`);
  if (options.seen?.(kidHex, toHex(claims.nonce))) return fail('REPLAYED', 'this code was already used');
  return { ok: true, claims, boothId: verdict.key.boothId, kid: kidHex };
}
