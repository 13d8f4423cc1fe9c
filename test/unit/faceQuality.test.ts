// The geometry, quality gate and prompt debouncing of the face step, on
// synthetic landmarks whose pose is known exactly.
import { describe, expect, it } from 'vitest';
import { faceGeometry } from '../../src/shared/face/geometry';
import { PromptDebouncer } from '../../src/shared/face/prompts';
import { illuminationUniformity, laplacianVariance, lumaStats, toLuma } from '../../src/shared/face/pixels';
import { judgeFrame, motionPerFrame, qualityThresholdsSchema, type FrameMeasures } from '../../src/shared/face/quality';
import { syntheticFace, type FacePose } from '../support/syntheticFace';

const frame = { width: 640, height: 480 };
const thresholds = qualityThresholdsSchema.parse({});
const goodPose: FacePose = { cx: 320, cy: 240, halfWidth: 90 };
const goodPixels: NonNullable<FrameMeasures['pixels']> = {
  luma: { mean: 130, p5: 40, p95: 210, darkFraction: 0.01, brightFraction: 0.01 },
  uniformity: 0.9,
  sharpness: 200,
  eyeToCheekLuma: 0.8,
  maskScore: 0,
};

function measures(pose: Partial<FacePose> = {}, pixels: Partial<NonNullable<FrameMeasures['pixels']>> = {}, faces = 1): FrameMeasures {
  return {
    faces,
    geometry: faceGeometry(syntheticFace({ ...goodPose, ...pose }), frame),
    pixels: { ...goodPixels, ...pixels },
    motion: 0.01,
  };
}

describe('face geometry', () => {
  it.each([0, 15, 30, -20])('recovers a yaw of %i° and its sign (positive: the citizen turned to their own left)', (yawDeg) => {
    expect(faceGeometry(syntheticFace({ ...goodPose, yawDeg }), frame).yawDeg).toBeCloseTo(yawDeg, 0);
  });

  it('measures roll, size, centring, inter-eye distance and eye openness', () => {
    const g = faceGeometry(syntheticFace({ ...goodPose, rollDeg: 8, openness: 0.3 }), frame);
    expect(g.rollDeg).toBeCloseTo(8, 0);
    const level = faceGeometry(syntheticFace(goodPose), frame);
    expect(level.interEyePx).toBeCloseTo(0.9 * 90, 0);
    expect(level.centreX).toBeCloseTo(0.5, 1);
    expect(level.eyeOpenness.mean).toBeCloseTo(0.32, 2);
    expect(level.pitchDeg).toBeCloseTo(0, 0);
  });

  it('pitch rises when the chin goes up', () => {
    expect(faceGeometry(syntheticFace({ ...goodPose, pitchDeg: 20 }), frame).pitchDeg).toBeGreaterThan(10);
    expect(faceGeometry(syntheticFace({ ...goodPose, pitchDeg: -20 }), frame).pitchDeg).toBeLessThan(-10);
  });
});

describe('quality gate', () => {
  it('passes a centred, frontal, well-lit face and scores it', () => {
    const verdict = judgeFrame(measures(), thresholds);
    expect(verdict.measures.filter((m) => !m.pass)).toEqual([]);
    expect(verdict).toMatchObject({ passed: true, prompt: 'good' });
    expect(verdict.score).toBeGreaterThan(50);
  });

  it.each([
    ['no face', { faces: 0 } as FrameMeasures, 'noFace'],
    ['two faces', measures({}, {}, 2), 'oneFace'],
    ['two faces, none measured', { faces: 2 } as FrameMeasures, 'oneFace'],
    ['a small face', measures({ halfWidth: 30 }), 'moveCloser'],
    ['a face too close', measures({ halfWidth: 170 }), 'stepBack'],
    ['a dark face', measures({}, { luma: { ...goodPixels.luma, mean: 40 } }), 'moreLight'],
    ['a face in glare', measures({}, { luma: { ...goodPixels.luma, mean: 235 } }), 'lessLight'],
    ['half-lit face', measures({}, { uniformity: 0.3 }), 'evenLight'],
    ['sunglasses', measures({}, { eyeToCheekLuma: 0.2 }), 'removeSunglasses'],
    ['a mask', measures({}, { maskScore: 20 }), 'removeMask'],
    ['a turned head', measures({ yawDeg: 25 }), 'lookStraight'],
    ['a tilted head', measures({ rollDeg: 20 }), 'levelHead'],
    ['a raised chin', measures({ pitchDeg: 25 }), 'lowerHead'],
    ['a lowered chin', measures({ pitchDeg: -25 }), 'raiseHead'],
    ['closed eyes', measures({ openness: 0.05 }), 'openEyes'],
    ['a blurred face', measures({}, { sharpness: 5 }), 'holdStill'],
  ])('prompts for %s', (_name, frameMeasures, prompt) => {
    const verdict = judgeFrame(frameMeasures, thresholds);
    expect(verdict.passed).toBe(false);
    expect(verdict.prompt).toBe(prompt);
  });

  it("steers by the citizen's own left and right: a face at the camera image's left must move to the citizen's left", () => {
    expect(judgeFrame(measures({ cx: 170 }), thresholds).prompt).toBe('moveLeft');
    expect(judgeFrame(measures({ cx: 470 }), thresholds).prompt).toBe('moveRight');
  });

  it('holds the configured limits: a looser yaw limit passes the same turn', () => {
    const turned = measures({ yawDeg: 15 });
    expect(judgeFrame(turned, thresholds).prompt).toBe('lookStraight');
    expect(judgeFrame(turned, qualityThresholdsSchema.parse({ maxYawDeg: 20 })).passed).toBe(true);
  });
});

describe('pixel measures', () => {
  const image = (f: (x: number, y: number) => number, size = 32) => {
    const data = new Uint8ClampedArray(size * size * 4);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.set([f(x, y), f(x, y), f(x, y), 255], (y * size + x) * 4);
    return { width: size, height: size, data };
  };

  it('tells luminance, clipping, uniformity and sharpness apart', () => {
    const flat = toLuma(image(() => 128));
    expect(lumaStats(flat)).toMatchObject({ mean: 128, p5: 128, p95: 128, darkFraction: 0, brightFraction: 0 });
    expect(illuminationUniformity(flat)).toBe(1);
    const halfLit = toLuma(image((x) => (x < 16 ? 40 : 200)));
    expect(illuminationUniformity(halfLit)).toBeCloseTo(0.2, 2);
    const checker = toLuma(image((x, y) => ((x + y) % 2 ? 255 : 0)));
    expect(lumaStats(checker).darkFraction).toBeCloseTo(0.5, 2);
    expect(laplacianVariance(checker)).toBeGreaterThan(100_000);
    expect(laplacianVariance(flat)).toBe(0);
  });
});

describe('prompt debouncing', () => {
  it('shows a new prompt only once it settled, and keeps each readable', () => {
    const d = new PromptDebouncer<string>('noFace', { settleMs: 300, minShowMs: 700 }, 0);
    expect(d.update('moveCloser', 100)).toBe('noFace');
    expect(d.update('moveLeft', 200)).toBe('noFace'); // flicker resets the wait
    expect(d.update('moveLeft', 450)).toBe('noFace');
    expect(d.update('moveLeft', 700)).toBe('moveLeft');
    expect(d.update('good', 800)).toBe('moveLeft');
    expect(d.update('good', 1200)).toBe('moveLeft'); // settled, but moveLeft is shown only 500 ms
    expect(d.update('good', 1450)).toBe('good');
  });

  it('measures motion per 1/30 s: a citizen swaying the same at 10 fps is not told to hold still, a jump after a stall still counts', () => {
    // Swaying at 2 inter-eye distances a second (100 px eyes): 6.7 px per 30 fps frame, 20 px per 10 fps frame.
    const at30 = motionPerFrame(6.7, 100, 1000 / 30);
    const at10 = motionPerFrame(20, 100, 100);
    expect(at10).toBeCloseTo(at30, 2);
    expect(judgeFrame({ ...measures(), motion: at10 }, thresholds).passed).toBe(true);
    // The old per-frame-pair measure would have said "hold still" at 10 fps.
    expect(20 / 100).toBeGreaterThan(thresholds.maxMotion);
    // A move of one eye distance across a 1.5 s stall is still movement: long gaps count as 200 ms.
    expect(motionPerFrame(100, 100, 1500)).toBeGreaterThan(thresholds.maxMotion);
    // A 60 fps camera: the same sway reads the same.
    expect(motionPerFrame(3.35, 100, 1000 / 60)).toBeCloseTo(at30, 2);
  });
});
