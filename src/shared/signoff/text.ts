// The text form of a signed QR: a short prefix, then the COSE bytes in
// Base45 (RFC 9285), whose 45 characters are exactly QR's alphanumeric set,
// so the code is written in alphanumeric mode (5.5 bits a character).
// Worked example: the bytes 69 65 74 66 21 ("ietf!") are "QED8WEX0"
// (RFC 9285 §4.3). A first byte 0x78 marks zlib (RFC 1950) data, which a
// reader inflates before the COSE: the writer compresses only when that is
// shorter, which for signatures, nonces and digests it never is.
import { decode as base45Decode, encode as base45Encode } from '@digitalbazaar/base45';

export type TextFailure =
  /** The text does not start with the expected prefix: not one of our codes, or another kind of ours. */
  | 'WRONG_PREFIX'
  /** After the prefix the text is not Base45 (a character outside the alphabet, a value out of range, a cut-off length). */
  | 'BAD_ENCODING';

export type FromText = { ok: true; bytes: Uint8Array; compressed: boolean } | { ok: false; reason: TextFailure; detail: string };

/** Longest inflated input a reader accepts: far above any code, far below harm. */
export const MAX_INFLATED_BYTES = 4096;
export const ZLIB_FIRST_BYTE = 0x78;

export function toText(prefix: string, bytes: Uint8Array): string {
  // The library reads `bytes.buffer` from offset 0, so a view into a larger buffer (a Node Buffer from its pool) is copied first.
  return prefix + base45Encode(new Uint8Array(bytes));
}

/** The bytes behind a code's text, or why there are none. The text is taken as scanned: no trimming, no case folding. */
export function fromText(prefix: string, text: string): FromText {
  if (!text.startsWith(prefix)) return { ok: false, reason: 'WRONG_PREFIX', detail: `the text does not start with "${prefix}"` };
  let bytes: Uint8Array;
  try {
    bytes = base45Decode(text.slice(prefix.length));
  } catch (error) {
    return { ok: false, reason: 'BAD_ENCODING', detail: `not Base45: ${(error as Error).message}` };
  }
  if (bytes.length === 0) return { ok: false, reason: 'BAD_ENCODING', detail: 'nothing after the prefix' };
  return { ok: true, bytes, compressed: bytes[0] === ZLIB_FIRST_BYTE };
}

/** Inflates zlib data (RFC 1950) with the platform's DecompressionStream (browsers, Node ≥ 18), refusing more than `limit` bytes. */
export async function inflate(bytes: Uint8Array, limit = MAX_INFLATED_BYTES): Promise<Uint8Array | null> {
  try {
    const stream = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(new DecompressionStream('deflate'));
    const reader = stream.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) {
        await reader.cancel();
        return null;
      }
      chunks.push(value);
    }
    const out = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  } catch {
    return null;
  }
}
