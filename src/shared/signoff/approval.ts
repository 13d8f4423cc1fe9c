// The officer's decision as a QR the booth's camera reads when the booth
// cannot hear the upstream (the offline path of issue 15). Two COSE_Sign1:
//
// - the officer certificate, a CWT the upstream signs with its Ed25519 key
//   (the key booths already trust for acknowledgements, sync.upstreamSigningKey)
//   when an officer logs in on a phone: {2 (sub): officer id, 6 (iat),
//   4 (exp): the end of that login, 8 (cnf, RFC 8747): {1 (COSE_Key):
//   {1 (kty): 1 (OKP), -1 (crv): 6 (Ed25519), -2 (x): the phone's public key}}};
// - the approval, signed on the phone with that key, carrying the
//   certificate in its protected header as kcwt (13, RFC 9528 §3.5.1):
//   {2 (sub): enrollment id (16 bytes), 6 (iat), 4 (exp), 7 (cti): the
//   nonce of the sign-off token the officer scanned,
//   -65537: [decision (1 approve, 0 reject), reason code]}.
//
// So a booth that has been offline since before the officer logged in can
// still check, with nothing but the upstream's public key, that an officer
// the upstream certified decided about this very enrollment. Text: "IKDA1:"
// and Base45; QR error correction M (a phone screen held up to the booth's
// camera is not scratched, and M keeps the code smaller).
import { ALG, coseCbor, decodeCbor, decodeSign1, encodeSign1, HEADER, verifyEd25519Sign1 } from './cose';
import { bytesToUuid, CLOCK_SKEW_SEC, CLAIM, NONCE_BYTES, toHex, uuidToBytes } from './token';
import { fromText, toText, type TextFailure } from './text';

export const APPROVAL_PREFIX = 'IKDA1:';
const CNF = 8;
const COSE_KEY = { kty: 1, crv: -1, x: -2, OKP: 1, Ed25519: 6 } as const;
/** An approval is valid this long after it is made: enough to walk to the booth. */
export const APPROVAL_TTL_SEC = 10 * 60;
/** The longest login a certificate may cover. */
export const MAX_CERTIFICATE_SEC = 24 * 3600;

/** Why an officer rejected an enrollment; the number travels in the approval QR, the words are the screens'. */
export const rejectionReasons = ['face-mismatch', 'card-doubtful', 'liveness-doubtful', 'citizen-request', 'other'] as const;
export type RejectionReason = (typeof rejectionReasons)[number];

export type OfficerDecision = { decision: 'approve' } | { decision: 'reject'; reason: RejectionReason };

export interface OfficerCertificateClaims {
  officerId: string;
  issuedAt: number;
  expiresAt: number;
  /** The phone's raw Ed25519 public key. */
  officerKey: Uint8Array;
}

const isUint = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0xffffffff;
const isBytesOf = (value: unknown, length: number): value is Uint8Array => value instanceof Uint8Array && value.length === length;

/** The upstream's side: a certificate for an officer's phone key, signed by `sign` (the upstream's Ed25519 key). */
export function encodeOfficerCertificate(claims: OfficerCertificateClaims, sign: (toBeSigned: Uint8Array) => Uint8Array): Uint8Array {
  if (!/^[A-Za-z0-9._-]{1,32}$/.test(claims.officerId)) throw new Error(`not an officer id: ${claims.officerId}`);
  const payload = coseCbor.encode(
    new Map<number, unknown>([
      [CLAIM.sub, claims.officerId],
      [CLAIM.iat, claims.issuedAt],
      [CLAIM.exp, claims.expiresAt],
      [
        CNF,
        new Map([
          [
            1,
            new Map<number, unknown>([
              [COSE_KEY.kty, COSE_KEY.OKP],
              [COSE_KEY.crv, COSE_KEY.Ed25519],
              [COSE_KEY.x, claims.officerKey],
            ]),
          ],
        ]),
      ],
    ]),
  );
  return encodeSign1({ protectedHeader: new Map([[HEADER.alg, ALG.EdDSA]]), payload, sign });
}

function parseCertificateClaims(payload: Uint8Array): OfficerCertificateClaims | null {
  const decoded = decodeCbor(payload);
  if (!decoded.ok || !(decoded.value instanceof Map) || decoded.value.size !== 4) return null;
  const map = decoded.value as Map<unknown, unknown>;
  const sub = map.get(CLAIM.sub);
  const iat = map.get(CLAIM.iat);
  const exp = map.get(CLAIM.exp);
  const cnf = map.get(CNF);
  const key = cnf instanceof Map ? cnf.get(1) : null;
  if (typeof sub !== 'string' || !isUint(iat) || !isUint(exp) || !(key instanceof Map)) return null;
  if (key.get(COSE_KEY.kty) !== COSE_KEY.OKP || key.get(COSE_KEY.crv) !== COSE_KEY.Ed25519) return null;
  const x = key.get(COSE_KEY.x);
  if (!isBytesOf(x, 32)) return null;
  return { officerId: sub, issuedAt: iat, expiresAt: exp, officerKey: new Uint8Array(x) };
}

export interface ApprovalClaims {
  enrollmentId: string;
  /** The nonce of the sign-off token the officer scanned (hex). */
  tokenNonce: string;
  issuedAt: number;
  expiresAt: number;
  decision: OfficerDecision;
}

/** The phone's side: the approval QR's text, signed with the phone's key, the certificate inside. */
export function buildApproval(claims: ApprovalClaims, certificate: Uint8Array, sign: (toBeSigned: Uint8Array) => Uint8Array): string {
  const nonce = Uint8Array.from(claims.tokenNonce.match(/../g) ?? [], (pair) => parseInt(pair, 16));
  if (nonce.length !== NONCE_BYTES) throw new Error('the token nonce is 6 bytes as hex');
  const decision = claims.decision.decision === 'approve' ? [1, 0] : [0, rejectionReasons.indexOf(claims.decision.reason)];
  const payload = coseCbor.encode(
    new Map<number, unknown>([
      [CLAIM.sub, uuidToBytes(claims.enrollmentId)],
      [CLAIM.iat, claims.issuedAt],
      [CLAIM.exp, claims.expiresAt],
      [CLAIM.cti, nonce],
      [CLAIM.evidence, decision],
    ]),
  );
  const bytes = encodeSign1({
    protectedHeader: new Map<number, unknown>([
      [HEADER.alg, ALG.EdDSA],
      [HEADER.kcwt, certificate],
    ]),
    payload,
    sign,
  });
  return toText(APPROVAL_PREFIX, bytes);
}

function parseApprovalClaims(payload: Uint8Array): ApprovalClaims | null {
  const decoded = decodeCbor(payload);
  if (!decoded.ok || !(decoded.value instanceof Map) || decoded.value.size !== 5) return null;
  const map = decoded.value as Map<unknown, unknown>;
  const sub = map.get(CLAIM.sub);
  const iat = map.get(CLAIM.iat);
  const exp = map.get(CLAIM.exp);
  const cti = map.get(CLAIM.cti);
  const decision = map.get(CLAIM.evidence);
  if (!isBytesOf(sub, 16) || !isUint(iat) || !isUint(exp) || !isBytesOf(cti, NONCE_BYTES)) return null;
  if (!Array.isArray(decision) || decision.length !== 2) return null;
  const [verdict, reason] = decision as unknown[];
  if (verdict === 1 && reason === 0)
    return { enrollmentId: bytesToUuid(sub), tokenNonce: toHex(cti), issuedAt: iat, expiresAt: exp, decision: { decision: 'approve' } };
  if (verdict !== 0 || !isUint(reason) || reason >= rejectionReasons.length) return null;
  return {
    enrollmentId: bytesToUuid(sub),
    tokenNonce: toHex(cti),
    issuedAt: iat,
    expiresAt: exp,
    decision: { decision: 'reject', reason: rejectionReasons[reason]! },
  };
}

/** Why a booth refuses an approval QR, in the order it checks (the screen words each one). */
export const approvalFailures = [
  // Not an approval QR (a sign-off token, a web address, another code), or damaged on the way.
  'WRONG_PREFIX',
  'BAD_ENCODING',
  'MALFORMED',
  'UNSUPPORTED_ALGORITHM',
  // No certificate, or one the upstream did not sign: an officer the upstream never certified.
  'NOT_CERTIFIED',
  // The officer's login that the certificate covers has ended.
  'CERTIFICATE_EXPIRED',
  // The certificate is genuine, but the approval is not signed by the key it certifies.
  'BAD_SIGNATURE',
  'NOT_YET_VALID',
  'EXPIRED',
  // A genuine decision about another enrollment (or another visit's code).
  'OTHER_ENROLLMENT',
  // This decision was already used.
  'REPLAYED',
] as const;
export type ApprovalFailure = (typeof approvalFailures)[number] & (TextFailure | string);

export type ApprovalVerdict =
  { ok: true; claims: ApprovalClaims; officerId: string } | { ok: false; reason: ApprovalFailure; detail: string };

export interface VerifyApprovalOptions {
  /** The upstream's raw Ed25519 public key (the booth's sync.upstreamSigningKey). */
  upstreamKey: Uint8Array;
  /** Now, ms since 1970. */
  now: number;
  /** The enrollment on the screen, and the nonces of the tokens it showed. */
  expect: { enrollmentId: string; tokenNonces: readonly string[] };
  /** Whether a decision about this token nonce was already taken. */
  used?(tokenNonce: string): boolean;
}

/** The booth's check of a scanned approval: certificate, officer signature, time, replay, then that it is this enrollment's. */
export function verifyApproval(text: string, options: VerifyApprovalOptions): ApprovalVerdict {
  const fail = (reason: ApprovalFailure, detail: string): ApprovalVerdict => ({ ok: false, reason, detail });
  const raw = fromText(APPROVAL_PREFIX, text);
  if (!raw.ok) return raw;
  if (raw.compressed) return fail('MALFORMED', 'an approval is never compressed');
  const approval = decodeSign1(raw.bytes);
  if (!approval.ok) return approval;
  const certificateBytes = approval.value.protectedHeader.get(HEADER.kcwt);
  if (!(certificateBytes instanceof Uint8Array)) return fail('NOT_CERTIFIED', 'the approval carries no officer certificate');
  const certificate = decodeSign1(certificateBytes);
  if (!certificate.ok) return fail('NOT_CERTIFIED', `the officer certificate is not a COSE_Sign1: ${certificate.detail}`);
  const certified = verifyEd25519Sign1(certificate.value, options.upstreamKey);
  if (!certified.ok) return fail('NOT_CERTIFIED', `the officer certificate is not signed by this booth's upstream: ${certified.detail}`);
  const officer = parseCertificateClaims(certificate.value.payload);
  if (!officer || officer.expiresAt <= officer.issuedAt || officer.expiresAt - officer.issuedAt > MAX_CERTIFICATE_SEC)
    return fail('MALFORMED', 'the officer certificate does not hold the claims of one');
  const nowSec = Math.floor(options.now / 1000);
  if (officer.expiresAt < nowSec - CLOCK_SKEW_SEC)
    return fail('CERTIFICATE_EXPIRED', `officer ${officer.officerId}'s login ended ${nowSec - officer.expiresAt} s ago`);
  const signed = verifyEd25519Sign1(approval.value, officer.officerKey);
  if (!signed.ok)
    return fail(signed.reason, `the approval is not signed by officer ${officer.officerId}'s certified key: ${signed.detail}`);
  const claims = parseApprovalClaims(approval.value.payload);
  if (!claims || claims.expiresAt <= claims.issuedAt || claims.expiresAt - claims.issuedAt > APPROVAL_TTL_SEC)
    return fail('MALFORMED', 'the claims are not those of an approval');
  if (claims.issuedAt > nowSec + CLOCK_SKEW_SEC) return fail('NOT_YET_VALID', `made ${claims.issuedAt - nowSec} s in the future`);
  if (claims.expiresAt < nowSec - CLOCK_SKEW_SEC) return fail('EXPIRED', `expired ${nowSec - claims.expiresAt} s ago`);
  if (claims.issuedAt < officer.issuedAt - CLOCK_SKEW_SEC || claims.issuedAt > officer.expiresAt + CLOCK_SKEW_SEC)
    return fail('NOT_CERTIFIED', `made outside officer ${officer.officerId}'s certified login`);
  if (options.used?.(claims.tokenNonce)) return fail('REPLAYED', 'this decision was already used');
  if (claims.enrollmentId !== options.expect.enrollmentId || !options.expect.tokenNonces.includes(claims.tokenNonce))
    return fail('OTHER_ENROLLMENT', `a decision about enrollment ${claims.enrollmentId}, not the one on this screen`);
  return { ok: true, claims, officerId: officer.officerId };
}
