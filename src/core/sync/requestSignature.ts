// The booth's requests to the upstream are signed with its Ed25519 key as
// HTTP Message Signatures (RFC 9421), through the maintained
// `http-message-signatures` library. Covered: the method, the path, the
// Content-Digest of the exact body bytes (RFC 9530, which the library does
// not compute) and the Content-Type; parameters: created (the upstream
// refuses a signature outside a short window, so a captured request cannot
// be replayed later), keyid (the booth id, looked up in the upstream's
// booth registry) and alg.
import { createHash, sign, type KeyObject } from 'node:crypto';
import { httpbis } from 'http-message-signatures';

/** What every booth request signs (the upstream requires each of them). */
export const SIGNED_COMPONENTS = ['@method', '@path', 'content-digest', 'content-type'] as const;
export const SIGNATURE_PARAMS = ['created', 'keyid', 'alg'] as const;
export const SIGNATURE_ALGORITHM = 'ed25519';

/** RFC 9530 §2: `sha-256=:<base64 of SHA-256(body)>:`. */
export function contentDigest(body: Uint8Array): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

export interface SignedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * Signs a request for the upstream. `created` is the booth's best idea of the upstream's clock (its own clock plus the
 * offset it measured), so a booth whose clock drifted is still inside the upstream's window.
 */
export async function signBoothRequest(request: {
  method: string;
  url: string;
  body: Uint8Array;
  contentType: string;
  boothId: string;
  signingKey: KeyObject;
  created: Date;
}): Promise<SignedRequest> {
  const headers: Record<string, string> = {
    'content-type': request.contentType,
    'content-digest': contentDigest(request.body),
  };
  const signed = await httpbis.signMessage(
    {
      key: { id: request.boothId, alg: SIGNATURE_ALGORITHM, sign: async (data: Buffer) => sign(null, data, request.signingKey) },
      fields: [...SIGNED_COMPONENTS],
      params: [...SIGNATURE_PARAMS],
      paramValues: { created: request.created },
    },
    { method: request.method, url: request.url, headers },
  );
  return { method: request.method, url: request.url, headers: signed.headers as Record<string, string>, body: request.body };
}
