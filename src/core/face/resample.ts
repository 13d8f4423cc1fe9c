// Pixel work for the face models: a picture letterboxed into the detector's
// square input, and an affine warp into the embedding model's chip. Both
// sample bilinearly from a picture first shrunk by whole-pixel box
// averaging when it is much larger than the output, so a 640-pixel frame
// does not alias into a 128-pixel input. Pure; RGB bytes in, float32 RGB
// 0–255 (NHWC) out.
import type { RgbImage } from '../pictures';
import type { Point } from './detection';

/** Output pixel (u, v) centre → picture point: x = a·u + b·v + c, y = d·u + e·v + f. */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

export function applyAffine(m: Affine, p: Point): Point {
  return { x: m.a * p.x + m.b * p.y + m.c, y: m.d * p.x + m.e * p.y + m.f };
}

/** Shrinks by an integer factor, each output pixel the mean of a factor × factor block (edges partial). */
export function boxShrink(image: RgbImage, factor: number): RgbImage {
  if (factor <= 1) return image;
  const width = Math.ceil(image.width / factor);
  const height = Math.ceil(image.height / factor);
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let n = 0;
      for (let yy = y * factor; yy < Math.min(image.height, (y + 1) * factor); yy++) {
        for (let xx = x * factor; xx < Math.min(image.width, (x + 1) * factor); xx++) {
          const i = (yy * image.width + xx) * 3;
          r += image.rgb[i] as number;
          g += image.rgb[i + 1] as number;
          b += image.rgb[i + 2] as number;
          n++;
        }
      }
      const o = (y * width + x) * 3;
      rgb[o] = Math.round(r / n);
      rgb[o + 1] = Math.round(g / n);
      rgb[o + 2] = Math.round(b / n);
    }
  }
  return { width, height, rgb };
}

/**
 * Samples `image` into a width × height float RGB tensor through `toPicture`
 * (from output pixel centres to picture coordinates, pixel centres at +0.5).
 * Points outside the picture read as `fill`. `scale` is how many picture pixels
 * one output pixel spans, used to pre-shrink.
 */
export function warp(image: RgbImage, width: number, height: number, toPicture: Affine, scale: number, fill = 0): Float32Array {
  const factor = Math.max(1, Math.floor(scale / 1.5));
  const source = boxShrink(image, factor);
  const m: Affine = {
    a: toPicture.a / factor,
    b: toPicture.b / factor,
    c: toPicture.c / factor,
    d: toPicture.d / factor,
    e: toPicture.e / factor,
    f: toPicture.f / factor,
  };
  const out = new Float32Array(width * height * 3);
  const { rgb, width: sw, height: sh } = source;
  // One pixel's channel, or `fill` outside the picture: written out (no closure per sample), this loop runs per output value.
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const x = m.a * (u + 0.5) + m.b * (v + 0.5) + m.c - 0.5;
      const y = m.d * (u + 0.5) + m.e * (v + 0.5) + m.f - 0.5;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      const w00 = (1 - fx) * (1 - fy);
      const w10 = fx * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w11 = fx * fy;
      const inX0 = x0 >= 0 && x0 < sw;
      const inX1 = x0 + 1 >= 0 && x0 + 1 < sw;
      const inY0 = y0 >= 0 && y0 < sh;
      const inY1 = y0 + 1 >= 0 && y0 + 1 < sh;
      const i00 = inX0 && inY0 ? (y0 * sw + x0) * 3 : -1;
      const i10 = inX1 && inY0 ? (y0 * sw + x0 + 1) * 3 : -1;
      const i01 = inX0 && inY1 ? ((y0 + 1) * sw + x0) * 3 : -1;
      const i11 = inX1 && inY1 ? ((y0 + 1) * sw + x0 + 1) * 3 : -1;
      const o = (v * width + u) * 3;
      for (let ch = 0; ch < 3; ch++) {
        out[o + ch] =
          w00 * (i00 < 0 ? fill : (rgb[i00 + ch] as number)) +
          w10 * (i10 < 0 ? fill : (rgb[i10 + ch] as number)) +
          w01 * (i01 < 0 ? fill : (rgb[i01 + ch] as number)) +
          w11 * (i11 < 0 ? fill : (rgb[i11 + ch] as number));
      }
    }
  }
  return out;
}

/** The picture scaled to fit a size × size square, centred, the rest black: the detector's input and the way back. */
export function letterbox(image: RgbImage, size: number): { input: Float32Array; toPicture: (p: Point) => Point } {
  const scale = Math.max(image.width, image.height) / size;
  const offsetX = (size - image.width / scale) / 2;
  const offsetY = (size - image.height / scale) / 2;
  const toPicture = (p: Point): Point => ({ x: (p.x - offsetX) * scale, y: (p.y - offsetY) * scale });
  const m: Affine = { a: scale, b: 0, c: -offsetX * scale, d: 0, e: scale, f: -offsetY * scale };
  return { input: warp(image, size, size, m, scale), toPicture };
}
