// The face loop's frame clock: times come from the camera's frames (capture
// time, else media time), never from when a busy loop got round to them.
import { describe, expect, it } from 'vitest';
import { FrameClock } from '../../src/shared/face/frameClock';

describe('frame clock', () => {
  it('uses the capture time, so a frame processed late keeps the time it was taken', () => {
    const clock = new FrameClock();
    // Callbacks bunched up after a 150 ms stall; the frames were taken 33 ms apart.
    expect(clock.stamp({ now: 1000, captureTime: 990, mediaTime: 0.1 })).toBe(990);
    expect(clock.stamp({ now: 1190, captureTime: 1023.3, mediaTime: 0.1333 })).toBe(1023.3);
    expect(clock.stamp({ now: 1200, captureTime: 1056.7, mediaTime: 0.1667 })).toBe(1056.7);
  });

  it('falls back to the media time on the performance clock, fixed at the first frame', () => {
    const clock = new FrameClock();
    expect(clock.stamp({ now: 5000, mediaTime: 2 })).toBe(5000);
    expect(clock.stamp({ now: 5400, mediaTime: 2.1 })).toBeCloseTo(5100);
    expect(clock.stamp({ now: 5410, mediaTime: 2.2 })).toBeCloseTo(5200);
  });

  it('falls back to the callback time without either, and skips a frame that is not newer', () => {
    const clock = new FrameClock();
    expect(clock.stamp({ now: 100 })).toBe(100);
    expect(clock.stamp({ now: 100 })).toBeNull();
    expect(clock.stamp({ now: 133 })).toBe(133);
    const capture = new FrameClock();
    expect(capture.stamp({ now: 10, captureTime: 50 })).toBe(50);
    expect(capture.stamp({ now: 20, captureTime: 50 })).toBeNull();
    expect(capture.stamp({ now: 30, captureTime: 40 })).toBeNull();
  });

  it('keeps the source it started with: times never mix two clocks', () => {
    const clock = new FrameClock();
    expect(clock.stamp({ now: 9000, captureTime: 100 })).toBe(100);
    // A frame without a capture time falls back to the callback time only if that is still later.
    expect(clock.stamp({ now: 9100 })).toBe(9100);
    const media = new FrameClock();
    expect(media.stamp({ now: 1000, mediaTime: 1 })).toBe(1000);
    expect(media.stamp({ now: 1100, mediaTime: 1.1, captureTime: 50 })).toBeCloseTo(1100);
  });
});
