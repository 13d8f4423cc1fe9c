// The cryptography between the virtual e-KTP and the virtual SAM. The real
// scheme is Dukcapil's and unpublished; this one has the public shape
// (ICAO 9303 BAC-like: challenge, 40-byte cryptograms both ways, a session
// key, enciphered reads) built from standard parts, so the reader code is
// exercised exactly as a real card would exercise it:
//   cryptogram = AES-128-CBC(K, 32 bytes) ‖ HMAC-SHA-256(K, that)[0..8]
//   session key = SHA-256(kSam XOR kCard)[0..16]
//   a read chunk = AES-128-CTR(session key, IV = FID ‖ offset ‖ 0…)
import { createCipheriv, createDecipheriv, createHash, createHmac, timingSafeEqual } from 'node:crypto';

const ZERO_IV = Buffer.alloc(16);

export function sealCryptogram(key: Uint8Array, plain: Uint8Array): Uint8Array {
  const cipher = createCipheriv('aes-128-cbc', key, ZERO_IV).setAutoPadding(false);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  const mac = createHmac('sha256', key).update(body).digest().subarray(0, 8);
  return new Uint8Array(Buffer.concat([body, mac]));
}

/** The 32 plain bytes, or undefined when the MAC does not match. */
export function openCryptogram(key: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
  if (sealed.length !== 40) return undefined;
  const body = sealed.subarray(0, 32);
  const mac = createHmac('sha256', key).update(body).digest().subarray(0, 8);
  if (!timingSafeEqual(mac, sealed.subarray(32))) return undefined;
  const decipher = createDecipheriv('aes-128-cbc', key, ZERO_IV).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
}

export function sessionKey(kSam: Uint8Array, kCard: Uint8Array): Uint8Array {
  return new Uint8Array(
    createHash('sha256')
      .update(kSam.map((byte, index) => byte ^ kCard[index]!))
      .digest()
      .subarray(0, 16),
  );
}

/** CTR is its own inverse: the same call enciphers (card) and deciphers (SAM). */
export function cipherChunk(key: Uint8Array, fid: number, offset: number, data: Uint8Array): Uint8Array {
  const iv = Buffer.alloc(16);
  iv.writeUInt16BE(fid, 0);
  iv.writeUInt32BE(offset, 2);
  const cipher = createCipheriv('aes-128-ctr', key, iv);
  return new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()]));
}
