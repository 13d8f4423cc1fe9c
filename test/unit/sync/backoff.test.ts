// The sync's waits: full jitter within min(cap, base · 2^attempt), and
// Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
import { describe, expect, it } from 'vitest';
import { fullJitter, retryAfterMs } from '../../../src/core/sync';

describe('backoff', () => {
  it('waits a random time up to min(cap, base · 2^attempt), never beyond the cap', () => {
    expect(fullJitter(0, 1_000, 60_000, () => 0.999999)).toBe(999);
    expect(fullJitter(3, 1_000, 60_000, () => 0.5)).toBe(4_000);
    expect(fullJitter(10, 1_000, 60_000, () => 0.999999)).toBeLessThan(60_000);
    expect(fullJitter(10, 1_000, 60_000, () => 0)).toBe(0);
    // A thousand failures in a row still stay within the cap (2^1000 would be Infinity).
    expect(fullJitter(1_000, 1_000, 60_000, () => 0.5)).toBe(30_000);
  });

  it('reads Retry-After as seconds or as a date, and refuses what is neither', () => {
    const now = Date.parse('2026-12-01T08:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(' 5 ', now)).toBe(5_000);
    expect(retryAfterMs('Tue, 01 Dec 2026 08:01:30 GMT', now)).toBe(90_000);
    // A date in the past: no wait.
    expect(retryAfterMs('Tue, 01 Dec 2026 07:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs('-5', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });
});
