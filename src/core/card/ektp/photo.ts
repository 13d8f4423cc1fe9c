// The photo file (6FF2) and the signature image (6FF3), as the SAM hands
// them back: a 2-byte big-endian length, then the image. The format is not
// published; JPEG and JPEG 2000 are both recognised by their magic bytes.
import type { ImageFormat } from '../../pictures';
import { CardError } from '../errors';

export type { ImageFormat };

/** Chip photos are about 15 KB; anything past this is refused before it is read. */
export const PHOTO_MAX_BYTES = 32 * 1024;

const JPEG = [0xff, 0xd8, 0xff];
const J2K_CODESTREAM = [0xff, 0x4f, 0xff, 0x51];
const JP2_SIGNATURE = [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a];

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((byte, index) => bytes[index] === byte);

/** JPEG (FF D8 FF), JPEG 2000 codestream (FF 4F FF 51) or JP2 file (ISO/IEC 15444-1 annex I signature box). */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, JPEG)) return 'jpeg';
  if (startsWith(bytes, J2K_CODESTREAM) || startsWith(bytes, JP2_SIGNATURE)) return 'jpeg2000';
  return undefined;
}

/** The length a file declares in its first two bytes, checked against the cap. */
export function declaredLength(prefix: Uint8Array, cap: number, what: string): number {
  if (prefix.length < 2) throw new CardError('MALFORMED', `The ${what} file is shorter than its length prefix.`);
  const length = (prefix[0]! << 8) | prefix[1]!;
  if (length === 0) throw new CardError('MALFORMED', `The ${what} file declares zero bytes.`);
  if (length > cap) throw new CardError('TOO_LARGE', `The ${what} file declares ${length} bytes; at most ${cap}.`);
  return length;
}

/** Checks a read image: known format, whole. */
export function parseImage(bytes: Uint8Array, what: string): { format: ImageFormat; bytes: Uint8Array } {
  const format = sniffImageFormat(bytes);
  if (!format) throw new CardError('MALFORMED', `The ${what} is neither JPEG nor JPEG 2000.`);
  if (format === 'jpeg' && !(bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9)) {
    throw new CardError('MALFORMED', `The ${what} JPEG is truncated (no end-of-image marker).`);
  }
  return { format, bytes };
}
