// The booth's half of the sign-off token (src/shared/signoff/token.ts):
// its key id, the keyed NIK digest, and signing with the booth's Ed25519
// key, the same key that signs its records and its requests to the
// upstream, so the upstream's booth registry is the officers' trust list.
// Each use is told apart by what is signed: COSE's Sig_structure begins
// with "Signature1", a record's with its own label, a request's with
// "@method", so no signature of one kind is valid as another.
import { createHash, createHmac, randomBytes, sign, type KeyObject } from 'node:crypto';
import {
  buildSignoffToken,
  KID_BYTES,
  NIK_DIGEST_BYTES,
  NONCE_BYTES,
  type BuiltToken,
  type SignoffClaims,
  type SignoffEvidence,
} from '../../shared/signoff/token';
import { rawEd25519PublicKey } from '../vault';

/** The booth key's id in tokens: the first 4 bytes of SHA-256 of its raw 32-byte public key. */
export function boothKid(publicKey: KeyObject): Uint8Array {
  return new Uint8Array(createHash('sha256').update(rawEd25519PublicKey(publicKey)).digest().subarray(0, KID_BYTES));
}

/** HMAC-SHA-256(key, "anjungan-ikd/signoff-nik/v1:" + NIK), first 6 bytes (the key is sealed into the enrollment for the upstream). */
export function signoffNikDigest(key: Uint8Array, nik: string): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(`anjungan-ikd/signoff-nik/v1:${nik}`).digest().subarray(0, NIK_DIGEST_BYTES));
}

export interface TokenSubject {
  enrollmentId: string;
  nik: string;
  /** 16 random bytes made with the enrollment and sealed into it. */
  nikDigestKey: Uint8Array;
  evidence: SignoffEvidence;
}

export interface IssuedToken extends BuiltToken {
  claims: SignoffClaims;
}

/** Signs a fresh token (new nonce, issued now, expiring after ttlSec). */
export function issueSignoffToken(
  subject: TokenSubject,
  key: { signingKey: KeyObject; kid: Uint8Array },
  options: { nowMs: number; ttlSec: number },
): IssuedToken {
  const issuedAt = Math.floor(options.nowMs / 1000);
  const claims: SignoffClaims = {
    enrollmentId: subject.enrollmentId,
    issuedAt,
    expiresAt: issuedAt + options.ttlSec,
    nonce: new Uint8Array(randomBytes(NONCE_BYTES)),
    nikLast4: subject.nik.slice(-4),
    nikDigest: signoffNikDigest(subject.nikDigestKey, subject.nik),
    evidence: subject.evidence,
  };
  const built = buildSignoffToken(claims, key.kid, (toBeSigned) => sign(null, toBeSigned, key.signingKey));
  return { ...built, claims };
}
