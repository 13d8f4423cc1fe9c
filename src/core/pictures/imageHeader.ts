// Image dimensions read from headers before anything is decoded, so a
// hostile photo that declares 60,000 × 60,000 pixels is refused before a
// decoder allocates for it.
//   JPEG 2000 codestream (ISO/IEC 15444-1 A.5.1): FF 4F (SOC), FF 51 (SIZ),
//     Lsiz(2) Rsiz(2) Xsiz(4) Ysiz(4) XOsiz(4) YOsiz(4) ... Csiz(2) at offset 40.
//   JP2 file (annex I): boxes LBox(4) TBox(4); 'jp2h' holds 'ihdr' with
//     HEIGHT(4) WIDTH(4) NC(2); the codestream is in 'jp2c'.
import { PictureError } from './errors';

export interface ImageSize {
  width: number;
  height: number;
  components: number;
}

const u32 = (bytes: Uint8Array, at: number) => ((bytes[at]! << 24) >>> 0) + (bytes[at + 1]! << 16) + (bytes[at + 2]! << 8) + bytes[at + 3]!;
const u16 = (bytes: Uint8Array, at: number) => (bytes[at]! << 8) | bytes[at + 1]!;

export function j2kCodestreamSize(codestream: Uint8Array): ImageSize {
  if (codestream.length < 42 || u16(codestream, 0) !== 0xff4f || u16(codestream, 2) !== 0xff51)
    throw new PictureError('MALFORMED', 'The JPEG 2000 codestream does not start with SOC and SIZ.');
  const width = u32(codestream, 8) - u32(codestream, 16);
  const height = u32(codestream, 12) - u32(codestream, 20);
  const components = u16(codestream, 40);
  if (width <= 0 || height <= 0 || components === 0) throw new PictureError('MALFORMED', 'The JPEG 2000 header declares an empty image.');
  return { width, height, components };
}

/** The codestream inside a JP2 file (its 'jp2c' box), or the input when it is a bare codestream. */
export function j2kCodestream(bytes: Uint8Array): Uint8Array {
  if (u16(bytes, 0) === 0xff4f) return bytes;
  let at = 0;
  for (let boxes = 0; at + 8 <= bytes.length && boxes < 64; boxes++) {
    let length = u32(bytes, at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    let header = 8;
    if (length === 1) {
      if (at + 16 > bytes.length || u32(bytes, at + 8) !== 0) throw new PictureError('MALFORMED', 'A JP2 box is longer than any photo.');
      length = u32(bytes, at + 12);
      header = 16;
    }
    if (length === 0) length = bytes.length - at; // last box runs to the end
    if (length < header || at + length > bytes.length) throw new PictureError('MALFORMED', 'A JP2 box runs past the end of the file.');
    if (type === 'jp2c') return bytes.subarray(at + header, at + length);
    at += length;
  }
  throw new PictureError('MALFORMED', 'The JP2 file has no codestream box.');
}
