import { describe, expect, it } from 'vitest';
import { briefingKeys, countdownOf, secondsPerAction } from '../../src/shared/face/countdown';

describe('face countdown', () => {
  it('shows whole seconds rounded up, so the last second reads 1 and 0 means the time is up', () => {
    expect(countdownOf(11_000, 11_000)).toEqual({ seconds: 11, share: 1 });
    expect(countdownOf(10_001, 11_000).seconds).toBe(11);
    expect(countdownOf(10_000, 11_000).seconds).toBe(10);
    expect(countdownOf(400, 11_000).seconds).toBe(1);
    expect(countdownOf(0, 11_000)).toEqual({ seconds: 0, share: 0 });
  });

  it('shrinks the ring with the time left and never leaves 0–1, whatever msLeft the judge reports', () => {
    expect(countdownOf(5500, 11_000).share).toBeCloseTo(0.5);
    expect(countdownOf(-200, 11_000)).toEqual({ seconds: 0, share: 0 });
    expect(countdownOf(12_000, 11_000)).toEqual({ seconds: 11, share: 1 });
    const shown = [11_000, 9500, 7200, 3100, 900, 0].map((ms) => countdownOf(ms, 11_000).seconds);
    expect(shown).toEqual([11, 10, 8, 4, 1, 0]);
  });

  it('states the seconds per action rounded down in the briefing, and its lines in the challenge order', () => {
    expect(secondsPerAction(11_000)).toBe(11);
    expect(secondsPerAction(10_500)).toBe(10);
    expect(briefingKeys(['turnRight', 'blink', 'turnLeft'])).toEqual([
      'face.briefing.turnRight',
      'face.briefing.blink',
      'face.briefing.turnLeft',
    ]);
  });
});
