// @digitalbazaar/base45 ships plain ES modules without types (RFC 9285 Base45).
declare module '@digitalbazaar/base45' {
  /** Base45 text of the bytes. Reads `input.buffer` from offset 0: pass a Uint8Array that owns its buffer. */
  export function encode(input: Uint8Array): string;
  /** The bytes of Base45 text; throws RangeError on a character outside the alphabet, a value over 0xFFFF or a bad length. */
  export function decode(input: string): Uint8Array;
}
