import { describe, expect, it } from 'vitest';
import { VideoTimeline } from '../../src/shared/face/videoTimeline';

describe('VideoTimeline', () => {
  it('passes increasing frame times through unchanged', () => {
    const timeline = new VideoTimeline();
    expect([100, 133.3, 166.6, 1000].map((t) => timeline.next(t))).toEqual([100, 133.3, 166.6, 1000]);
  });

  it('moves a time that is not later than the last to just after it, so a new camera after the warm-up never goes back', () => {
    const timeline = new VideoTimeline();
    // The warm-up ran up to 9000 ms; the face step's camera stamps its first frames a little earlier.
    expect(timeline.next(9000)).toBe(9000);
    expect(timeline.next(8990)).toBe(9001);
    expect(timeline.next(9001)).toBe(9002);
    expect(timeline.next(9033)).toBe(9033);
  });

  it('gives strictly increasing times whatever it is fed', () => {
    const timeline = new VideoTimeline();
    const fed = [5, 5, 4, -3, 20, 19.5, 20, Number.MIN_VALUE, 21];
    const out = fed.map((t) => timeline.next(t));
    for (let i = 1; i < out.length; i++) expect(out[i]!).toBeGreaterThan(out[i - 1]!);
  });
});
