// The benches' figures: a median and percentiles that are values really
// measured, and a scripted person who is the same on every run.
import { describe, expect, it } from 'vitest';
import { median, percentile, round } from '../../bench/support/stats';
import { seededRandom } from '../support/seededRandom';

describe('bench figures', () => {
  it('takes the median of odd and even counts, and says NaN for nothing', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('takes nearest-rank percentiles: p90 of ten walks is the ninth, never a value between two', () => {
    const walks = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    expect(percentile(walks, 0.9)).toBe(9);
    expect(percentile(walks, 1)).toBe(10);
    expect(percentile(walks, 0)).toBe(1);
    expect(percentile([2.5], 0.9)).toBe(2.5);
    expect(() => percentile(walks, 90)).toThrow(RangeError);
  });

  it('rounds for the results file', () => {
    expect(round(1.23456)).toBe(1.23);
    expect(round(1.23456, 1)).toBe(1.2);
  });

  it('gives the same pace for the same seed, in [0, 1), and another for another seed', () => {
    const a = Array.from({ length: 1000 }, seededRandom(7));
    const b = Array.from({ length: 1000 }, seededRandom(7));
    expect(a).toEqual(b);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Array.from({ length: 1000 }, seededRandom(8))).not.toEqual(a);
    // Spread over the range, not stuck in a corner.
    expect(median(a)).toBeGreaterThan(0.4);
    expect(median(a)).toBeLessThan(0.6);
  });
});
