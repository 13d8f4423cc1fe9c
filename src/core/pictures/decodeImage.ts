// A chip photo (or signature image) to RGB pixels: JPEG with jpeg-js (pure
// JS), JPEG 2000 with OpenJPEG built to WebAssembly
// (@cornerstonejs/codec-openjpeg). Dimensions are checked from the header
// before decoding; any decoder failure is a MALFORMED PictureError.
import { createRequire } from 'node:module';
import jpeg from 'jpeg-js';
import { isPictureError, PictureError } from './errors';
import { j2kCodestream, j2kCodestreamSize } from './imageHeader';

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

interface OpenJpegModule {
  J2KDecoder: new () => {
    getEncodedBuffer(length: number): Uint8Array;
    decode(): void;
    getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean };
    getDecodedBuffer(): Uint8Array;
    delete?(): void;
  };
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
    return image.format === 'jpeg' ? decodeJpeg(image.bytes, caps) : await decodeJpeg2000(image.bytes, caps);
  } catch (error) {
    if (isPictureError(error)) throw error;
    // A WebAssembly abort leaves the module unusable: the next image gets a fresh one.
    if (image.format === 'jpeg2000') openjpeg = undefined;
    throw new PictureError('MALFORMED', `The ${image.format === 'jpeg' ? 'JPEG' : 'JPEG 2000'} image cannot be decoded.`);
  }
}

function checkSize(width: number, height: number, caps: DecodeCaps): void {
  if (width < 1 || height < 1) throw new PictureError('MALFORMED', 'The image has no pixels.');
  if (width > caps.maxWidth || height > caps.maxHeight)
    throw new PictureError('TOO_LARGE', `The image is ${width} × ${height}; at most ${caps.maxWidth} × ${caps.maxHeight}.`);
}

function decodeJpeg(bytes: Uint8Array, caps: DecodeCaps): RgbImage {
  const maxMegapixels = (caps.maxWidth * caps.maxHeight) / 1e6;
  let decoded;
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      tolerantDecoding: false,
      maxResolutionInMP: maxMegapixels,
      maxMemoryUsageInMB: 64,
    });
  } catch (error) {
    const message = String((error as Error)?.message ?? '');
    if (/maxResolutionInMP|maxMemoryUsageInMB/.test(message))
      throw new PictureError('TOO_LARGE', 'The JPEG declares more pixels than a chip photo can have.');
    throw new PictureError('MALFORMED', 'The JPEG image cannot be decoded.');
  }
  checkSize(decoded.width, decoded.height, caps);
  return {
    width: decoded.width,
    height: decoded.height,
    rgb: new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.width * decoded.height * 3),
  };
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
    const pixels = decoder.getDecodedBuffer();
    const bytesPerSample = frame.bitsPerSample > 8 ? 2 : 1;
    const count = frame.width * frame.height;
    if (pixels.length < count * frame.componentCount * bytesPerSample)
      throw new PictureError('MALFORMED', 'The JPEG 2000 image decoded short.');
    const rgb = new Uint8Array(count * 3);
    const shift = Math.max(0, frame.bitsPerSample - 8);
    const sample = (index: number) =>
      bytesPerSample === 2 ? (pixels[index * 2]! | (pixels[index * 2 + 1]! << 8)) >> shift : pixels[index]!;
    for (let i = 0; i < count; i++) {
      for (let c = 0; c < 3; c++) rgb[i * 3 + c] = sample(frame.componentCount === 1 ? i : i * 3 + c);
    }
    return { width: frame.width, height: frame.height, rgb };
  } finally {
    decoder.delete?.();
  }
}
