// Images the tests make themselves: a synthetic portrait-like picture
// (background gradient, an oval "face", two "eyes"), encoded as JPEG
// (jpeg-js) and as a JPEG 2000 codestream (OpenJPEG's encoder, WebAssembly).
import { createRequire } from 'node:module';
import jpeg from 'jpeg-js';

export function syntheticPortrait(width = 120, height = 160): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const inFace = ((x - width / 2) / (width * 0.32)) ** 2 + ((y - height * 0.45) / (height * 0.3)) ** 2 < 1;
      const inEye = [0.38, 0.62].some((fx) => ((x - width * fx) / (width * 0.06)) ** 2 + ((y - height * 0.4) / (height * 0.03)) ** 2 < 1);
      const [r, g, b] = inEye ? [40, 30, 30] : inFace ? [224, 172, 140] : [40 + (150 * y) / height, 90, 160];
      rgb[i] = r;
      rgb[i + 1] = g;
      rgb[i + 2] = b;
    }
  }
  return rgb;
}

export function encodeJpeg(rgb: Uint8Array, width: number, height: number, quality = 85): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, 255], i * 4);
  return new Uint8Array(jpeg.encode({ data: rgba, width, height }, quality).data);
}

interface J2KEncoderModule {
  J2KEncoder: new () => {
    getDecodedBuffer(info: {
      width: number;
      height: number;
      bitsPerSample: number;
      componentCount: number;
      isSigned: boolean;
      isUsingColorTransform: boolean;
    }): Uint8Array;
    setQuality(lossless: boolean, quality: number): void;
    encode(): void;
    getEncodedBuffer(): Uint8Array;
  };
}

export async function encodeJpeg2000(rgb: Uint8Array, width: number, height: number, lossless = true): Promise<Uint8Array> {
  const factory = createRequire(import.meta.url)('@cornerstonejs/codec-openjpeg/wasmjs') as (options: object) => Promise<J2KEncoderModule>;
  const { J2KEncoder } = await factory({ print: () => undefined, printErr: () => undefined });
  const encoder = new J2KEncoder();
  encoder.getDecodedBuffer({ width, height, bitsPerSample: 8, componentCount: 3, isSigned: false, isUsingColorTransform: true }).set(rgb);
  encoder.setQuality(lossless, lossless ? 0 : 0.02);
  encoder.encode();
  return Uint8Array.from(encoder.getEncodedBuffer());
}
