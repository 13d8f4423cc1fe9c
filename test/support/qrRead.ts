// Reads QR codes in tests with an independent decoder: ZXing-C++ compiled
// to WebAssembly (zxing-wasm), its .wasm loaded from node_modules, never
// fetched from a CDN.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

let prepared: Promise<unknown> | null = null;
function ready(): Promise<unknown> {
  const wasmPath = createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
  prepared ??= prepareZXingModule({ overrides: { wasmBinary: readFileSync(wasmPath).buffer as ArrayBuffer }, fireImmediately: true });
  return prepared;
}

export interface ReadQr {
  text: string;
  /** e.g. "10-Q" as ZXing reports the symbol's version and error correction. */
  version: string;
  ecLevel: string;
}

/** Every QR code ZXing finds in RGBA pixels. */
export async function readQrPixels(pixels: { data: Uint8ClampedArray | Uint8Array; width: number; height: number }): Promise<ReadQr[]> {
  await ready();
  const image = { data: new Uint8ClampedArray(pixels.data), width: pixels.width, height: pixels.height, colorSpace: 'srgb' } as ImageData;
  const results = await readBarcodes(image, { formats: ['QRCode'], tryHarder: true });
  return results
    .filter((result) => result.isValid)
    .map((result) => ({ text: result.text, version: result.version, ecLevel: result.ecLevel }));
}

/** Every QR code ZXing finds in a PNG. */
export async function readQrPng(png: Buffer): Promise<ReadQr[]> {
  const image = PNG.sync.read(png);
  return readQrPixels({ data: image.data, width: image.width, height: image.height });
}
