// The landmarker's input size: the face about 128 px tall in it (what the
// 192-px mesh window needs), never below 320 px wide, never above the frame.
import { describe, expect, it } from 'vitest';
import { LANDMARK_FACE_PX, landmarkInputSize } from '../../src/shared/face/inputSize';

const VGA = { width: 640, height: 480 };

describe('landmarker input size', () => {
  it('shrinks a 640 × 480 frame until the face is about 128 px tall, no further than 320 px wide', () => {
    // The good test video: face box 254 px of 480.
    const good = landmarkInputSize(VGA, 254, null);
    expect(good).toEqual({ width: 352, height: 264 });
    expect((254 * good.height) / 480).toBeGreaterThanOrEqual(LANDMARK_FACE_PX);
    // A face filling the frame: the smallest size.
    expect(landmarkInputSize(VGA, 400, null)).toEqual({ width: 320, height: 240 });
    // The smallest face the quality gate accepts (0.34 of the height): nearly the whole frame.
    const smallest = landmarkInputSize(VGA, 0.34 * 480, null);
    expect((0.34 * 480 * smallest.height) / 480).toBeGreaterThanOrEqual(LANDMARK_FACE_PX);
    expect(smallest.width).toBeLessThanOrEqual(544);
    // A face too small for that: the full frame, never upscaled.
    expect(landmarkInputSize(VGA, 90, null)).toEqual(VGA);
  });

  it('uses the smallest size while no face is tracked (the detector looks at 128 × 128)', () => {
    expect(landmarkInputSize(VGA, null, null)).toEqual({ width: 320, height: 240 });
    expect(landmarkInputSize({ width: 1280, height: 720 }, null, { width: 640, height: 360 })).toEqual({ width: 320, height: 180 });
    expect(landmarkInputSize({ width: 320, height: 240 }, null, null)).toEqual({ width: 320, height: 240 });
  });

  it('grows at once for a face that moves away, shrinks only with a margin', () => {
    const near = landmarkInputSize(VGA, 254, null);
    const away = landmarkInputSize(VGA, 200, near);
    expect(away.width).toBeGreaterThan(near.width);
    // Back to 254: it shrinks only as far as keeps the face 15 % over 128 px, not to where a fresh start would be.
    const back = landmarkInputSize(VGA, 254, away);
    expect(back.width).toBeGreaterThan(near.width);
    expect(back.width).toBeLessThanOrEqual(away.width);
    expect((254 * back.height) / 480).toBeGreaterThanOrEqual(LANDMARK_FACE_PX * 1.15);
    // Small changes of the face height do not change the size from frame to frame.
    expect(landmarkInputSize(VGA, 250, back)).toEqual(back);
    expect(landmarkInputSize(VGA, 258, back)).toEqual(back);
  });

  it('works for a wide HD camera, keeping the aspect ratio', () => {
    const hd = landmarkInputSize({ width: 1280, height: 720 }, 380, null);
    expect(hd.width % 32).toBe(0);
    expect(hd.height).toBe(Math.round((hd.width * 720) / 1280));
    expect((380 * hd.height) / 720).toBeGreaterThanOrEqual(LANDMARK_FACE_PX);
  });
});
