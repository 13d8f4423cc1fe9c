// Small figures for the benches: median and nearest-rank percentiles, and
// rounding for the results.

/** The median; NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The nearest-rank percentile (q in 0..1): a value that was really measured, never an interpolation. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`percentile wants q in 0..1, not ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
