// Pixel measures of a face crop for the quality gate (OFIQ's luminance,
// under/over-exposure, dynamic range, illumination uniformity and sharpness).
// The crop is the face box resampled to a fixed size, so sharpness does not
// change with how close the citizen stands.

/** An RGBA image (canvas ImageData layout). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

export interface LumaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Rec. 601 luma, the Y of the camera's own YUV. */
export function toLuma(image: RgbaImage): LumaImage {
  const out = new Uint8Array(image.width * image.height);
  const d = image.data;
  for (let i = 0, j = 0; i < out.length; i++, j += 4) out[i] = (d[j]! * 299 + d[j + 1]! * 587 + d[j + 2]! * 114 + 500) / 1000;
  return { width: image.width, height: image.height, data: out };
}

export interface LumaStats {
  mean: number;
  /** 5th and 95th percentiles: their gap is the dynamic range. */
  p5: number;
  p95: number;
  /** Share of pixels crushed to black (< 16) or clipped to white (> 245). */
  darkFraction: number;
  brightFraction: number;
}

export function lumaStats(image: LumaImage, region?: Rect): LumaStats {
  const histogram = new Uint32Array(256);
  let count = 0;
  forEachPixel(image, region, (value) => {
    histogram[value]!++;
    count++;
  });
  if (count === 0) return { mean: 0, p5: 0, p95: 0, darkFraction: 0, brightFraction: 0 };
  let sum = 0;
  let dark = 0;
  let bright = 0;
  for (let v = 0; v < 256; v++) {
    sum += v * histogram[v]!;
    if (v < 16) dark += histogram[v]!;
    if (v > 245) bright += histogram[v]!;
  }
  return {
    mean: sum / count,
    p5: percentile(histogram, count, 0.05),
    p95: percentile(histogram, count, 0.95),
    darkFraction: dark / count,
    brightFraction: bright / count,
  };
}

/** Mean luma of the left half over the right half (or the inverse), ≤ 1: 1 is evenly lit. */
export function illuminationUniformity(image: LumaImage): number {
  const half = Math.floor(image.width / 2);
  const left = lumaStats(image, { x: 0, y: 0, width: half, height: image.height }).mean;
  const right = lumaStats(image, { x: image.width - half, y: 0, width: half, height: image.height }).mean;
  const high = Math.max(left, right);
  return high === 0 ? 0 : Math.min(left, right) / high;
}

/**
 * Variance of the 4-neighbour Laplacian: high for crisp edges, low for a
 * blurred or moving face. Scale-dependent, hence the fixed-size crop.
 */
export function laplacianVariance(image: LumaImage): number {
  const { width, height, data } = image;
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const value = data[i - 1]! + data[i + 1]! + data[i - width]! + data[i + width]! - 4 * data[i]!;
      sum += value;
      sumSq += value * value;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

/** The part of `r` inside the image, as its own luma image (empty when none is). */
export function cropLuma(luma: LumaImage, r: Rect): LumaImage {
  const x0 = Math.max(0, Math.round(r.x));
  const y0 = Math.max(0, Math.round(r.y));
  const w = Math.max(0, Math.min(luma.width, Math.round(r.x + r.width)) - x0);
  const h = Math.max(0, Math.min(luma.height, Math.round(r.y + r.height)) - y0);
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) data.set(luma.data.subarray((y0 + y) * luma.width + x0, (y0 + y) * luma.width + x0 + w), y * w);
  return { width: w, height: h, data };
}

/** Mean colour of a region, for the occlusion checks; null when the region lies outside the image. */
export function meanRgb(image: RgbaImage, region: Rect): [number, number, number] | null {
  const { x0, y0, x1, y1 } = clip(image, region);
  const total = [0, 0, 0];
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const j = (y * image.width + x) * 4;
      total[0]! += image.data[j]!;
      total[1]! += image.data[j + 1]!;
      total[2]! += image.data[j + 2]!;
      n++;
    }
  }
  return n === 0 ? null : [total[0]! / n, total[1]! / n, total[2]! / n];
}

function forEachPixel(image: LumaImage, region: Rect | undefined, visit: (value: number) => void): void {
  const { x0, y0, x1, y1 } = clip(image, region ?? { x: 0, y: 0, width: image.width, height: image.height });
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) visit(image.data[y * image.width + x]!);
}

function clip(image: { width: number; height: number }, r: Rect) {
  return {
    x0: Math.max(0, Math.floor(r.x)),
    y0: Math.max(0, Math.floor(r.y)),
    x1: Math.min(image.width, Math.ceil(r.x + r.width)),
    y1: Math.min(image.height, Math.ceil(r.y + r.height)),
  };
}

function percentile(histogram: Uint32Array, count: number, q: number): number {
  const target = q * count;
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += histogram[v]!;
    if (seen >= target) return v;
  }
  return 255;
}
