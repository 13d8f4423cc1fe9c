// Pictures as plain RGB bytes, sampled at fractional positions. Every frame
// of the face videos is made by mapping each output pixel back to a point of
// a source picture, so all warps compose before one interpolation (no blur
// piling up) and the result depends on nothing but the arithmetic here.
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';

export interface Raster {
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGB plus alpha, for a cut-out layer). */
  channels: 3 | 4;
  /** Bytes, row-major. */
  data: Uint8Array;
}

export function decodeJpeg(path: string): Raster {
  const { width, height, data } = jpeg.decode(readFileSync(path), { useTArray: true, maxMemoryUsageInMB: 512 });
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++, j += 4) {
    rgb[i * 3] = data[j]!;
    rgb[i * 3 + 1] = data[j + 1]!;
    rgb[i * 3 + 2] = data[j + 2]!;
  }
  return { width, height, channels: 3, data: rgb };
}

/** Mirror an index into [0, n): a scene may look past the picture's edge, and a mirror adds no hard border. */
function reflect(i: number, n: number): number {
  const period = 2 * n;
  let k = i % period;
  if (k < 0) k += period;
  return k < n ? k : period - 1 - k;
}

/** Bilinear sample at (x, y), pixel i spanning [i, i+1); writes the channels into out. */
export function sample(src: Raster, x: number, y: number, out: Float64Array): void {
  const fx = x - 0.5;
  const fy = y - 0.5;
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const ax = fx - x0;
  const ay = fy - y0;
  const { width, height, data, channels: n } = src;
  const c0 = reflect(x0, width);
  const c1 = reflect(x0 + 1, width);
  const r0 = reflect(y0, height) * width;
  const r1 = reflect(y0 + 1, height) * width;
  const i00 = (r0 + c0) * n;
  const i01 = (r0 + c1) * n;
  const i10 = (r1 + c0) * n;
  const i11 = (r1 + c1) * n;
  for (let c = 0; c < n; c++) {
    const top = data[i00 + c]! + (data[i01 + c]! - data[i00 + c]!) * ax;
    const bottom = data[i10 + c]! + (data[i11 + c]! - data[i10 + c]!) * ax;
    out[c] = top + (bottom - top) * ay;
  }
}

/** Area-average sample for strong minification (the far-away face): mean of n×n bilinear taps over a footprint. */
export function sampleArea(src: Raster, x: number, y: number, footprint: number, out: Float64Array, scratch: Float64Array): void {
  const n = Math.max(1, Math.min(6, Math.round(footprint)));
  out[0] = out[1] = out[2] = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      sample(src, x + ((i + 0.5) / n - 0.5) * footprint, y + ((j + 0.5) / n - 0.5) * footprint, scratch);
      out[0] += scratch[0]!;
      out[1] += scratch[1]!;
      out[2] += scratch[2]!;
    }
  }
  out[0] /= n * n;
  out[1] /= n * n;
  out[2] /= n * n;
}

/**
 * Renders width×height pixels from a per-pixel shader that writes 0–255
 * floats into its out argument (channels values; `x0`, `y0` offset the
 * coordinates the shader sees).
 */
export function render(
  width: number,
  height: number,
  shade: (x: number, y: number, out: Float64Array) => void,
  channels: 3 | 4 = 3,
  x0 = 0,
  y0 = 0,
): Raster {
  const data = new Uint8Array(width * height * channels);
  const value = new Float64Array(channels);
  let k = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      shade(x0 + x + 0.5, y0 + y + 0.5, value);
      for (let c = 0; c < channels; c++) {
        const v = Math.round(value[c]!);
        data[k++] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  return { width, height, channels, data };
}

/** Integer hash to [0, 1): the wall's plaster texture must be the same on every machine, so no Math.random. */
export function hash2(x: number, y: number, seed: number): number {
  let h = Math.imul(x, 0x27d4eb2d) ^ Math.imul(y, 0x165667b1) ^ Math.imul(seed, 0x5bd1e995);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}

/** Smooth value noise in [0, 1) with cells of `cell` pixels. */
export function valueNoise(x: number, y: number, cell: number, seed: number): number {
  const gx = x / cell;
  const gy = y / cell;
  const x0 = Math.floor(gx);
  const y0 = Math.floor(gy);
  const sx = gx - x0;
  const sy = gy - y0;
  const ux = sx * sx * (3 - 2 * sx);
  const uy = sy * sy * (3 - 2 * sy);
  const a = hash2(x0, y0, seed);
  const b = hash2(x0 + 1, y0, seed);
  const c = hash2(x0, y0 + 1, seed);
  const d = hash2(x0 + 1, y0 + 1, seed);
  return a + (b - a) * ux + (c - a) * uy + (a - b - c + d) * ux * uy;
}
