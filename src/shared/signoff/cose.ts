// COSE_Sign1 (RFC 9052 §4.2) on the project's CBOR library, for the sign-off
// token and the officer's approval. Pure: the signer is passed in (the booth
// signs with node:crypto), and verification uses @noble/curves, which runs
// the same in Node, in the booth's renderer and in an officer's phone.
//
//   COSE_Sign1 = [ protected: bstr .cbor header_map, unprotected: header_map,
//                  payload: bstr, signature: bstr ]            (§4.2)
//   Sig_structure = [ "Signature1", protected (the bytes as sent),
//                     external_aad: bstr, payload: bstr ]      (§4.4)
//
// Worked example (a sign-off token's head): 84 = array of 4; 4a = bstr of 10
// holding a2 01 27 04 44 k k k k = {1 (alg): -8 (EdDSA), 4 (kid): 4 bytes};
// a0 = empty unprotected map; 58 40 = bstr of 64 payload bytes; … 58 40 =
// the 64-byte Ed25519 signature. Tag 18 (d2) may precede the array (§2:
// untagged when the context, here the text's prefix, says what it is).
import { Decoder, Encoder, Tag } from 'cbor-x';
import { ed25519 } from '@noble/curves/ed25519.js';

/** COSE header parameters (RFC 9052 §3.1, RFC 9528 §3.5.1). */
export const HEADER = { alg: 1, kid: 4, kcwt: 13 } as const;
/** COSE algorithm ids (RFC 9053 §2.1–2.2): EdDSA and ECDSA with SHA-256. */
export const ALG = { EdDSA: -8, ES256: -7 } as const;
export const COSE_SIGN1_TAG = 18;

/**
 * CBOR as COSE needs it: integer map keys written as CBOR maps (a JS Map, never tag 259 or text keys), byte strings as plain
 * bstr, definite lengths, and maps decoded back to Maps so integer keys stay integers.
 */
export const coseCbor = new Encoder({
  mapsAsObjects: false,
  useRecords: false,
  tagUint8Array: false,
  variableMapSize: true,
});
const coseDecoder = new Decoder({ mapsAsObjects: false, useRecords: false });

export type HeaderMap = Map<number, unknown>;

export interface Sign1 {
  /** The protected header exactly as received: the signature covers these bytes, never a re-encoding. */
  protectedBytes: Uint8Array;
  protectedHeader: HeaderMap;
  unprotectedHeader: HeaderMap;
  payload: Uint8Array;
  signature: Uint8Array;
  tagged: boolean;
}

export type CoseFailure =
  /** Not CBOR, or not the shape of a COSE_Sign1 (truncated or damaged bytes land here). */
  | 'MALFORMED'
  /** A well-formed Sign1 whose algorithm this verifier does not accept. */
  | 'UNSUPPORTED_ALGORITHM';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: CoseFailure; detail: string };

/** Decodes CBOR strictly: the whole input is one data item (trailing bytes are refused). */
export function decodeCbor(bytes: Uint8Array): Decoded<unknown> {
  try {
    return { ok: true, value: coseDecoder.decode(bytes) };
  } catch (error) {
    return { ok: false, reason: 'MALFORMED', detail: `not one CBOR item: ${(error as Error).message}` };
  }
}

/** RFC 9052 §4.4: the bytes that are signed. */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array, externalAad: Uint8Array = new Uint8Array()): Uint8Array {
  return coseCbor.encode(['Signature1', protectedBytes, externalAad, payload]);
}

/**
 * Builds a COSE_Sign1: the protected header is encoded once, Sig_structure over it is handed to `sign` (which returns the raw
 * signature: 64 bytes for Ed25519, r‖s for ES256), and the result is untagged unless asked.
 */
export function encodeSign1(options: {
  protectedHeader: HeaderMap;
  unprotectedHeader?: HeaderMap;
  payload: Uint8Array;
  sign: (toBeSigned: Uint8Array) => Uint8Array;
  externalAad?: Uint8Array;
  tagged?: boolean;
}): Uint8Array {
  // §3: an empty protected header is sent as a zero-length bstr, not as an encoded empty map.
  const protectedBytes = options.protectedHeader.size === 0 ? new Uint8Array() : coseCbor.encode(options.protectedHeader);
  const signature = options.sign(sigStructure(protectedBytes, options.payload, options.externalAad));
  const body = [protectedBytes, options.unprotectedHeader ?? new Map(), options.payload, signature];
  return coseCbor.encode(options.tagged ? new Tag(body, COSE_SIGN1_TAG) : body);
}

const isBytes = (value: unknown): value is Uint8Array => value instanceof Uint8Array;
const isMap = (value: unknown): value is Map<unknown, unknown> => value instanceof Map;

/** Splits a COSE_Sign1 into its parts; checks its shape only (the signature is checked by verifySign1). */
export function decodeSign1(bytes: Uint8Array): Decoded<Sign1> {
  const decoded = decodeCbor(bytes);
  if (!decoded.ok) return decoded;
  let item = decoded.value;
  let tagged = false;
  if (item instanceof Tag) {
    if (item.tag !== COSE_SIGN1_TAG) return { ok: false, reason: 'MALFORMED', detail: `tag ${item.tag} is not COSE_Sign1 (18)` };
    item = item.value;
    tagged = true;
  }
  if (!Array.isArray(item) || item.length !== 4) return { ok: false, reason: 'MALFORMED', detail: 'not an array of 4 items' };
  const [protectedBytes, unprotectedHeader, payload, signature] = item as unknown[];
  if (!isBytes(protectedBytes) || !isMap(unprotectedHeader) || !isBytes(payload) || !isBytes(signature))
    return { ok: false, reason: 'MALFORMED', detail: 'the items are not (bstr, map, bstr, bstr)' };
  let protectedHeader: Map<unknown, unknown> = new Map();
  if (protectedBytes.length > 0) {
    const header = decodeCbor(protectedBytes);
    if (!header.ok) return header;
    if (!isMap(header.value)) return { ok: false, reason: 'MALFORMED', detail: 'the protected header is not a map' };
    protectedHeader = header.value;
  }
  for (const header of [protectedHeader, unprotectedHeader])
    for (const key of header.keys())
      if (typeof key !== 'number' && typeof key !== 'string')
        return { ok: false, reason: 'MALFORMED', detail: 'a header label is neither an integer nor a text' };
  // §3: a label may not appear in both buckets.
  for (const key of protectedHeader.keys())
    if (unprotectedHeader.has(key)) return { ok: false, reason: 'MALFORMED', detail: `header ${String(key)} is both protected and not` };
  return {
    ok: true,
    value: {
      protectedBytes,
      protectedHeader: protectedHeader as HeaderMap,
      unprotectedHeader: unprotectedHeader as HeaderMap,
      payload,
      signature,
      tagged,
    },
  };
}

/**
 * Checks an EdDSA (Ed25519) Sign1 against a raw 32-byte public key. The algorithm must be in the protected header (a verifier
 * that took it from the unprotected bucket could be steered); RFC 8032 rules, not ZIP-215's looser ones.
 */
export function verifyEd25519Sign1(
  sign1: Sign1,
  publicKey: Uint8Array,
  externalAad?: Uint8Array,
): Decoded<true> | { ok: false; reason: 'BAD_SIGNATURE'; detail: string } {
  const alg = sign1.protectedHeader.get(HEADER.alg);
  if (alg !== ALG.EdDSA) return { ok: false, reason: 'UNSUPPORTED_ALGORITHM', detail: `protected alg is ${String(alg)}, not EdDSA (-8)` };
  if (sign1.signature.length !== 64)
    return { ok: false, reason: 'BAD_SIGNATURE', detail: `an Ed25519 signature has 64 bytes, not ${sign1.signature.length}` };
  let valid = false;
  try {
    valid = ed25519.verify(sign1.signature, sigStructure(sign1.protectedBytes, sign1.payload, externalAad), publicKey, { zip215: false });
  } catch {
    valid = false;
  }
  return valid ? { ok: true, value: true } : { ok: false, reason: 'BAD_SIGNATURE', detail: 'the signature does not match the key' };
}
