// A chip photo, signature image or live face crop to RGB pixels: JPEG with
// libjpeg-turbo and JPEG 2000 with OpenJPEG, both built to WebAssembly by
// the same project (@cornerstonejs/codec-libjpeg-turbo-8bit and
// codec-openjpeg; libjpeg-turbo decodes a 320 × 320 crop in about 2 ms, a
// fifth of what pure-JS jpeg-js took, which matters four times per face
// match). Dimensions are checked from the header before decoding; any
// decoder failure is a MALFORMED PictureError.
import { createRequire } from 'node:module';
import { isPictureError, PictureError } from './errors';
import { j2kCodestream, j2kCodestreamSize } from './imageHeader';
import { jpegSize } from './jpegSize';

/** The formats an e-KTP chip stores its photo in. */
export type ImageFormat = 'jpeg' | 'jpeg2000';

export interface RgbImage {
  width: number;
  height: number;
  /** width × height × 3 bytes, row by row. */
  rgb: Uint8Array;
}

export interface DecodeCaps {
  maxWidth: number;
  maxHeight: number;
}

/** e-KTP photos are small (about 300 × 400); a tenfold margin still bounds memory to ~12 MB. */
export const CHIP_IMAGE_CAPS: DecodeCaps = { maxWidth: 2048, maxHeight: 2048 };

/** What both codecs' decoders offer (Emscripten embind classes). */
interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean };
  getDecodedBuffer(): Uint8Array;
  delete?(): void;
}

interface LibJpegTurboModule {
  JPEGDecoder: new () => WasmDecoder;
}

let libjpegTurbo: Promise<LibJpegTurboModule> | undefined;
function loadLibJpegTurbo(): Promise<LibJpegTurboModule> {
  const factory = createRequire(import.meta.url)('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs') as (
    options: object,
  ) => Promise<LibJpegTurboModule>;
  libjpegTurbo ??= factory({ print: () => undefined, printErr: () => undefined });
  return libjpegTurbo;
}

interface OpenJpegModule {
  J2KDecoder: new () => WasmDecoder;
}

let openjpeg: Promise<OpenJpegModule> | undefined;
function loadOpenJpeg(): Promise<OpenJpegModule> {
  const factory = createRequire(import.meta.url)('@cornerstonejs/codec-openjpeg/wasmjs') as (options: object) => Promise<OpenJpegModule>;
  // OpenJPEG prints progress to stdout: keep it quiet.
  openjpeg ??= factory({ print: () => undefined, printErr: () => undefined });
  return openjpeg;
}

/** Decodes a chip photo to RGB; throws PictureError (MALFORMED, TOO_LARGE), never a decoder's own error. */
export async function decodeImage(
  image: { format: ImageFormat; bytes: Uint8Array },
  caps: DecodeCaps = CHIP_IMAGE_CAPS,
): Promise<RgbImage> {
  try {
    return image.format === 'jpeg' ? await decodeJpeg(image.bytes, caps) : await decodeJpeg2000(image.bytes, caps);
  } catch (error) {
    if (isPictureError(error)) throw error;
    // A WebAssembly abort leaves the module unusable: the next image gets a fresh one.
    if (image.format === 'jpeg2000') openjpeg = undefined;
    else libjpegTurbo = undefined;
    throw new PictureError('MALFORMED', `The ${image.format === 'jpeg' ? 'JPEG' : 'JPEG 2000'} image cannot be decoded.`);
  }
}

function checkSize(width: number, height: number, caps: DecodeCaps): void {
  if (width < 1 || height < 1) throw new PictureError('MALFORMED', 'The image has no pixels.');
  if (width > caps.maxWidth || height > caps.maxHeight)
    throw new PictureError('TOO_LARGE', `The image is ${width} × ${height}; at most ${caps.maxWidth} × ${caps.maxHeight}.`);
}

async function decodeJpeg(bytes: Uint8Array, caps: DecodeCaps): Promise<RgbImage> {
  const size = jpegSize(bytes);
  if (!size) throw new PictureError('MALFORMED', 'The JPEG image has no readable frame header.');
  checkSize(size.width, size.height, caps);
  const { JPEGDecoder } = await loadLibJpegTurbo();
  const decoder = new JPEGDecoder();
  try {
    decoder.getEncodedBuffer(bytes.length).set(bytes);
    decoder.decode();
    const frame = decoder.getFrameInfo();
    if (frame.width !== size.width || frame.height !== size.height)
      throw new PictureError('MALFORMED', 'The JPEG image decoded to another size than its header says.');
    if (frame.bitsPerSample !== 8 || (frame.componentCount !== 1 && frame.componentCount !== 3))
      throw new PictureError('MALFORMED', `A JPEG of ${frame.componentCount} components at ${frame.bitsPerSample} bits is not a photo.`);
    return {
      width: frame.width,
      height: frame.height,
      rgb: toRgb(decoder.getDecodedBuffer(), frame.width * frame.height, frame.componentCount, 1, 0),
    };
  } finally {
    decoder.delete?.();
  }
}

/** Decoded samples (1 or 3 components, 1 or 2 bytes each, little-endian) to 8-bit RGB, copied out of the decoder's memory. */
function toRgb(pixels: Uint8Array, count: number, components: number, bytesPerSample: number, shift: number): Uint8Array {
  if (pixels.length < count * components * bytesPerSample) throw new PictureError('MALFORMED', 'The image decoded short.');
  if (components === 3 && bytesPerSample === 1) return new Uint8Array(pixels.subarray(0, count * 3));
  const rgb = new Uint8Array(count * 3);
  const sample = (index: number) => (bytesPerSample === 2 ? (pixels[index * 2]! | (pixels[index * 2 + 1]! << 8)) >> shift : pixels[index]!);
  for (let i = 0; i < count; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = sample(components === 1 ? i : i * 3 + c);
  return rgb;
}

async function decodeJpeg2000(bytes: Uint8Array, caps: DecodeCaps): Promise<RgbImage> {
  const codestream = j2kCodestream(bytes);
  const size = j2kCodestreamSize(codestream);
  checkSize(size.width, size.height, caps);
  if (size.components !== 1 && size.components !== 3)
    throw new PictureError('MALFORMED', `A JPEG 2000 photo with ${size.components} components is not a photo.`);
  const { J2KDecoder } = await loadOpenJpeg();
  const decoder = new J2KDecoder();
  try {
    decoder.getEncodedBuffer(codestream.length).set(codestream);
    decoder.decode();
    const frame = decoder.getFrameInfo();
    if (frame.width !== size.width || frame.height !== size.height)
      throw new PictureError('MALFORMED', 'The JPEG 2000 image decoded to another size than its header says.');
    const bytesPerSample = frame.bitsPerSample > 8 ? 2 : 1;
    const rgb = toRgb(
      decoder.getDecodedBuffer(),
      frame.width * frame.height,
      frame.componentCount,
      bytesPerSample,
      Math.max(0, frame.bitsPerSample - 8),
    );
    return { width: frame.width, height: frame.height, rgb };
  } finally {
    decoder.delete?.();
  }
}
