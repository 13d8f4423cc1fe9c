// Calibration figures for the face match threshold, pure: from the
// distances of genuine pairs (two pictures of one person) and impostor pairs
// (two people), the false match rate (FMR: impostor pairs within the
// threshold) and false non-match rate (FNMR: genuine pairs beyond it) at each
// threshold, each with its one-sided 95% upper bound (exact binomial,
// Clopper–Pearson), so that a rate the data cannot carry is never claimed:
// with N impostor pairs and none matching, FMR is only known to be under
// about 3/N. ISO/IEC 19795-1 terms.

export interface RateEstimate {
  /** Errors counted, and pairs. */
  errors: number;
  pairs: number;
  /** errors / pairs (NaN with no pairs). */
  rate: number;
  /** One-sided 95% upper confidence bound on the rate. */
  upper95: number;
}

export interface ThresholdRow {
  threshold: number;
  fmr: RateEstimate;
  fnmr: RateEstimate;
}

/** P(X ≤ k) for X ~ Binomial(n, p). */
function binomialCdf(k: number, n: number, p: number): number {
  if (p <= 0) return 1;
  if (p >= 1) return k >= n ? 1 : 0;
  let term = Math.pow(1 - p, n);
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= ((n - i + 1) / i) * (p / (1 - p));
    sum += term;
  }
  return Math.min(1, sum);
}

/** The p at which seeing at most `errors` in `pairs` has probability 5%: the exact one-sided 95% upper bound. */
export function upperBound95(errors: number, pairs: number): number {
  if (pairs === 0) return 1;
  if (errors >= pairs) return 1;
  let low = errors / pairs;
  let high = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (binomialCdf(errors, pairs, mid) > 0.05) low = mid;
    else high = mid;
  }
  return high;
}

function estimate(errors: number, pairs: number): RateEstimate {
  return { errors, pairs, rate: pairs ? errors / pairs : Number.NaN, upper95: upperBound95(errors, pairs) };
}

export function thresholdTable(genuine: readonly number[], impostor: readonly number[], thresholds: readonly number[]): ThresholdRow[] {
  return thresholds.map((threshold) => ({
    threshold,
    fmr: estimate(impostor.filter((d) => d <= threshold).length, impostor.length),
    fnmr: estimate(genuine.filter((d) => d > threshold).length, genuine.length),
  }));
}

/** Quantiles of a distribution, for a one-line summary. */
export function summarise(values: readonly number[]): { n: number; min: number; p05: number; median: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))] ?? Number.NaN;
  return { n: sorted.length, min: at(0), p05: at(0.05), median: at(0.5), p95: at(0.95), max: at(1) };
}

/**
 * A detection error trade-off plot: FNMR against FMR on log axes, one point per threshold (the configured one marked), and the
 * floor below which the impostor pairs cannot show an FMR. SVG, self-contained.
 */
export function detPlotSvg(rows: readonly ThresholdRow[], configured: number, title: string): string {
  const size = { w: 640, h: 520, left: 80, right: 30, top: 50, bottom: 70 };
  const decades = [-4, -3, -2, -1, 0];
  const floor = 1e-4;
  const x = (rate: number) => size.left + ((Math.log10(Math.max(rate, floor)) + 4) / 4) * (size.w - size.left - size.right);
  const y = (rate: number) => size.top + (1 - (Math.log10(Math.max(rate, floor)) + 4) / 4) * (size.h - size.top - size.bottom);
  const escape = (text: string) => text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string);
  const grid = decades
    .map((d) => {
      const v = 10 ** d;
      return (
        `<line x1="${x(v)}" y1="${size.top}" x2="${x(v)}" y2="${size.h - size.bottom}" stroke="#ddd"/>` +
        `<line x1="${size.left}" y1="${y(v)}" x2="${size.w - size.right}" y2="${y(v)}" stroke="#ddd"/>` +
        `<text x="${x(v)}" y="${size.h - size.bottom + 18}" text-anchor="middle" font-size="12">${v >= 1 ? '1' : `1e${d}`}</text>` +
        `<text x="${size.left - 8}" y="${y(v) + 4}" text-anchor="end" font-size="12">${v >= 1 ? '1' : `1e${d}`}</text>`
      );
    })
    .join('');
  const points = rows.filter((r) => Number.isFinite(r.fmr.rate) && Number.isFinite(r.fnmr.rate));
  const path = points.map((r, i) => `${i === 0 ? 'M' : 'L'}${x(r.fmr.rate).toFixed(1)},${y(r.fnmr.rate).toFixed(1)}`).join(' ');
  const dots = points
    .map((r) => {
      const mark = Math.abs(r.threshold - configured) < 1e-9;
      return (
        `<circle cx="${x(r.fmr.rate).toFixed(1)}" cy="${y(r.fnmr.rate).toFixed(1)}" r="${mark ? 6 : 3}" fill="${mark ? '#b3261e' : '#0b5394'}">` +
        `<title>threshold ${r.threshold}: FMR ${r.fmr.errors}/${r.fmr.pairs}, FNMR ${r.fnmr.errors}/${r.fnmr.pairs}</title></circle>`
      );
    })
    .join('');
  const impostorPairs = rows[0]?.fmr.pairs ?? 0;
  const genuinePairs = rows[0]?.fnmr.pairs ?? 0;
  const shownFloor = impostorPairs ? upperBound95(0, impostorPairs) : 1;
  const genuineFloor = genuinePairs ? upperBound95(0, genuinePairs) : 1;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size.w}" height="${size.h}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${size.w / 2}" y="24" text-anchor="middle" font-size="15">${escape(title)}</text>`,
    grid,
    `<rect x="${size.left}" y="${size.top}" width="${x(shownFloor) - size.left}" height="${size.h - size.top - size.bottom}" fill="#f3d9d9" opacity="0.6">`,
    `<title>FMR below the 95% bound with no false match (${shownFloor.toExponential(1)}): this data cannot show it</title></rect>`,
    `<rect x="${size.left}" y="${y(genuineFloor)}" width="${size.w - size.left - size.right}" height="${size.h - size.bottom - y(genuineFloor)}" fill="#f3d9d9" opacity="0.6">`,
    `<title>FNMR below the 95% bound with no false non-match (${genuineFloor.toExponential(1)}): this data cannot show it</title></rect>`,
    `<path d="${path}" fill="none" stroke="#0b5394" stroke-width="2"/>`,
    dots,
    `<text x="${size.w / 2}" y="${size.h - 36}" text-anchor="middle" font-size="13">false match rate (FMR), log scale</text>`,
    `<text x="${size.w / 2}" y="${size.h - 16}" text-anchor="middle" font-size="11">Shaded: what these pairs cannot show. On an axis: no error seen. Red: the configured threshold.</text>`,
    `<text x="20" y="${size.h / 2}" text-anchor="middle" font-size="13" transform="rotate(-90 20 ${size.h / 2})">false non-match rate (FNMR), log scale</text>`,
    `</svg>`,
    '',
  ].join('\n');
}
