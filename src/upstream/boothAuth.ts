// Checks a booth's signed request (RFC 9421, as src/core/sync/requestSignature.ts
// signs it): the Content-Digest matches the body bytes, the signature
// covers every required component and parameter, it is inside the replay
// window, and it verifies with the key the registry holds for its keyid.
// Every refusal is a value with a code and words a technician can act on.
import { timingSafeEqual, verify } from 'node:crypto';
import { ExpiredError, httpbis } from 'http-message-signatures';
import type { UpstreamErrorCode } from '../shared/upstream/api';
import { contentDigest, SIGNATURE_ALGORITHM, SIGNATURE_PARAMS, SIGNED_COMPONENTS } from '../core/sync';
import type { BoothRegistry, RegisteredBooth } from './registry';

/** A signature older than this is refused (a replay, or a booth whose clock is far off and has not measured the offset). */
export const SIGNATURE_MAX_AGE_S = 300;
/** A signature dated this far in the future is refused too. */
export const SIGNATURE_FUTURE_S = 60;

export type BoothAuth =
  { ok: true; booth: RegisteredBooth } | { ok: false; status: 400 | 401 | 403; code: UpstreamErrorCode; message: string };

export interface IncomingRequest {
  method: string;
  /** The path and query, as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * Verifies a booth's request. `presentedKey` is for registration only: the key the body presents, which the signature must
 * verify with (so the request proves possession of it), registered or not.
 */
export async function verifyBoothRequest(
  request: IncomingRequest,
  registry: BoothRegistry,
  presentedKey?: RegisteredBooth,
): Promise<BoothAuth> {
  const digest = request.headers['content-digest'];
  if (typeof digest !== 'string')
    return { ok: false, status: 400, code: 'BAD_DIGEST', message: 'the request has no Content-Digest header (RFC 9530)' };
  const expected = Buffer.from(contentDigest(request.body));
  if (expected.length !== Buffer.byteLength(digest) || !timingSafeEqual(expected, Buffer.from(digest)))
    return {
      ok: false,
      status: 400,
      code: 'BAD_DIGEST',
      message: 'the Content-Digest does not match the body (changed or cut on the way)',
    };
  // One signature per request: with several, the library keeps the last one's outcome, which a request could pair with
  // another entry's booth. The booth that signed is the one whose key's check returned true, nothing else.
  let lookups = 0;
  let booth: RegisteredBooth | null = null;
  let signer: RegisteredBooth | null = null;
  let keyid: string | null = null;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = value;
  let verified: boolean | null;
  try {
    const nowS = Math.floor(Date.now() / 1000);
    verified = await httpbis.verifyMessage(
      {
        requiredFields: [...SIGNED_COMPONENTS],
        requiredParams: [...SIGNATURE_PARAMS],
        maxAge: SIGNATURE_MAX_AGE_S,
        notAfter: nowS + SIGNATURE_FUTURE_S,
        keyLookup: async (params) => {
          if (++lookups > 1) throw new Error('a request carries exactly one signature');
          keyid = typeof params.keyid === 'string' ? params.keyid : null;
          if (!keyid) return null;
          // Registration proves possession of the key it presents; the route then compares it with the registry.
          // A registration signed as another booth proves nothing about the key it presents.
          booth = presentedKey ? (presentedKey.boothId === keyid ? presentedKey : null) : await registry.find(keyid);
          if (!booth || booth.status === 'revoked') return null;
          const candidate = booth;
          return {
            id: keyid,
            algs: [SIGNATURE_ALGORITHM],
            verify: async (data, signature) => {
              const valid = verify(null, data, candidate.publicKey, signature);
              if (valid) signer = candidate;
              return valid;
            },
          };
        },
      },
      { method: request.method, url: `http://upstream${request.url}`, headers },
    );
  } catch (error) {
    if (error instanceof ExpiredError)
      return {
        ok: false,
        status: 401,
        code: 'SIGNATURE_EXPIRED',
        message: `the signature's created time is outside ${SIGNATURE_MAX_AGE_S} s before to ${SIGNATURE_FUTURE_S} s after the upstream's clock (a replay, or the booth's clock is off)`,
      };
    return {
      ok: false,
      status: 401,
      code: 'BAD_SIGNATURE',
      message: `the request's signature cannot be checked: ${(error as Error).message}`,
    };
  }
  const found = booth as RegisteredBooth | null;
  if (verified === null) {
    if (found?.status === 'revoked')
      return {
        ok: false,
        status: 403,
        code: 'BOOTH_REVOKED',
        message: `booth ${found.boothId} was revoked: ${found.revokedReason ?? 'no reason given'}`,
      };
    if (keyid && presentedKey)
      return {
        ok: false,
        status: 401,
        code: 'BAD_SIGNATURE',
        message: `a registration of booth ${presentedKey.boothId} must be signed by that booth (keyid "${presentedKey.boothId}"), not "${String(keyid)}"`,
      };
    if (keyid) return { ok: false, status: 401, code: 'UNKNOWN_BOOTH', message: `booth ${String(keyid)} is not in the registry` };
    return {
      ok: false,
      status: 401,
      code: 'BAD_SIGNATURE',
      message: 'the request is not signed (Signature and Signature-Input, RFC 9421)',
    };
  }
  const verifiedBy = signer as RegisteredBooth | null;
  if (verified !== true || !verifiedBy)
    return {
      ok: false,
      status: 401,
      code: 'BAD_SIGNATURE',
      message: presentedKey
        ? 'the signature does not verify with the key this registration presents'
        : "the signature does not verify with the booth's registered key",
    };
  return { ok: true, booth: verifiedBy };
}
