// The pure parts of face matching: decoding the detector's anchors, the
// alignment's similarity transform, the match rule, the calibration bounds,
// and half-float weights.
import { describe, expect, it } from 'vitest';
import { CHIP_TARGETS, chipToPicture } from '../../../src/core/face/alignment';
import { detPlotSvg, thresholdTable, upperBound95 } from '../../../src/core/face/calibration';
import { ANCHOR_COUNT, blazeFaceAnchors, decodeDetections, type DetectedFace } from '../../../src/core/face/detection';
import { decideMatch, euclidean, largestSpread } from '../../../src/core/face/matching';
import { applyAffine } from '../../../src/core/face/resample';
import { halfToFloat } from '../../../scripts/models/tfliteToOnnx';

const identity = { toPicture: (p: { x: number; y: number }) => p, minScore: 0.5, overlap: 0.3 };

/** Detector output with one confident face at `anchor`: box offset (dx, dy), size, keypoints at fixed offsets. */
function oneFace(anchors: number[], logit = 4): { regressors: Float32Array; scores: Float32Array } {
  const regressors = new Float32Array(ANCHOR_COUNT * 16);
  const scores = new Float32Array(ANCHOR_COUNT).fill(-10);
  for (const a of anchors) {
    scores[a] = logit;
    regressors.set([2, -1, 40, 44, -10, -8, 10, -8, 0, 4, 0, 14, -20, 0, 20, 0], a * 16);
  }
  return { regressors, scores };
}

describe('BlazeFace decoding', () => {
  it('has the 896 anchors of the short-range model: 16×16 cells × 2, then 8×8 cells × 6', () => {
    const anchors = blazeFaceAnchors();
    expect(anchors.length).toBe(ANCHOR_COUNT * 2);
    expect([anchors[0], anchors[1]]).toEqual([0.5 / 16, 0.5 / 16]);
    expect([anchors[512 * 2], anchors[512 * 2 + 1]]).toEqual([0.5 / 8, 0.5 / 8]);
  });

  it('puts the box and keypoints at the anchor centre plus their offsets, and merges overlapping anchors into one face', () => {
    // Anchors 0 and 1 share a cell (same centre, 4 px): one face.
    const { regressors, scores } = oneFace([0, 1]);
    const faces = decodeDetections(regressors, scores, identity);
    expect(faces).toHaveLength(1);
    const face = faces[0]!;
    expect(face.score).toBeCloseTo(1 / (1 + Math.exp(-4)), 6);
    expect(face.box).toEqual({ x: 4 + 2 - 20, y: 4 - 1 - 22, width: 40, height: 44 });
    expect(face.keypoints.rightEye.x).toBeCloseTo(-6, 9);
    expect(face.keypoints.rightEye.y).toBeCloseTo(-4, 9);
    expect(face.keypoints.mouth.x).toBeCloseTo(4, 9);
    expect(face.keypoints.mouth.y).toBeCloseTo(18, 9);
  });

  it('keeps two faces apart, best first, and drops those under the score', () => {
    const { regressors, scores } = oneFace([0, 700]);
    scores[700] = 6;
    expect(decodeDetections(regressors, scores, identity).map((f) => f.score)).toEqual([1 / (1 + Math.exp(-6)), 1 / (1 + Math.exp(-4))]);
    scores[0] = -1;
    expect(decodeDetections(regressors, scores, identity)).toHaveLength(1);
  });

  it('refuses non-finite outputs and the wrong sizes instead of decoding them', () => {
    const { regressors, scores } = oneFace([5]);
    regressors[5 * 16 + 3] = Number.NaN;
    expect(() => decodeDetections(regressors, scores, identity)).toThrow(/non-finite box/);
    regressors[5 * 16 + 3] = 40;
    scores[9] = Number.POSITIVE_INFINITY;
    expect(() => decodeDetections(regressors, scores, identity)).toThrow(/non-finite score/);
    expect(() => decodeDetections(new Float32Array(10), scores, identity)).toThrow(/expected 14336 and 896/);
  });
});

describe('alignment', () => {
  const faceAt = (map: (p: { x: number; y: number }) => { x: number; y: number }): DetectedFace => ({
    score: 1,
    box: { x: 0, y: 0, width: 1, height: 1 },
    keypoints: {
      rightEye: map(CHIP_TARGETS.rightEye),
      leftEye: map(CHIP_TARGETS.leftEye),
      noseTip: map(CHIP_TARGETS.noseTip),
      mouth: map(CHIP_TARGETS.mouth),
      rightEar: { x: 0, y: 0 },
      leftEar: { x: 0, y: 0 },
    },
  });

  it("puts dlib's mean face where dlib's 150 px chip with 0.25 padding has it: eyes level, 53 px apart", () => {
    expect(CHIP_TARGETS.rightEye.y).toBeCloseTo(CHIP_TARGETS.leftEye.y, 9);
    expect(CHIP_TARGETS.leftEye.x - CHIP_TARGETS.rightEye.x).toBeCloseTo(52.93, 2);
    expect(CHIP_TARGETS.noseTip.x).toBeCloseTo(74.01, 2);
  });

  it('recovers a rotated, scaled and shifted face exactly', () => {
    const [angle, scale, tx, ty] = [0.3, 2.5, 140, -20];
    const move = (p: { x: number; y: number }) => ({
      x: scale * (Math.cos(angle) * p.x - Math.sin(angle) * p.y) + tx,
      y: scale * (Math.sin(angle) * p.x + Math.cos(angle) * p.y) + ty,
    });
    const m = chipToPicture(faceAt(move));
    for (const p of [
      { x: 0, y: 0 },
      { x: 150, y: 75 },
    ]) {
      const got = applyAffine(m, p);
      const want = move(p);
      expect(got.x).toBeCloseTo(want.x, 6);
      expect(got.y).toBeCloseTo(want.y, 6);
    }
  });
});

describe('match rule', () => {
  const at = (d: number) => Float32Array.from({ length: 128 }, (_, i) => (i === 0 ? d : 0));
  const chip = at(0);

  it('matches when at least half of the crops are within the threshold, and not otherwise', () => {
    expect(decideMatch(chip, [at(0.3), at(0.5), at(0.9)], 0.6)).toMatchObject({ decision: 'match', within: 2, required: 2 });
    expect(decideMatch(chip, [at(0.3), at(0.7), at(0.9)], 0.6)).toMatchObject({ decision: 'no-match', within: 1, required: 2 });
    // At the threshold is within it (0.5 is exact in float32).
    expect(decideMatch(chip, [at(0.5)], 0.5).decision).toBe('match');
    expect(() => decideMatch(chip, [], 0.6)).toThrow(/No live crop/);
  });

  it('measures the spread between crops and refuses embeddings of different lengths', () => {
    expect(largestSpread([at(0.1), at(0.5), at(0.2)])).toBeCloseTo(0.4, 6);
    expect(() => euclidean(at(1), new Float32Array(3))).toThrow(/cannot be compared/);
  });
});

describe('calibration figures', () => {
  it('bounds a rate with no error seen at about 3/N, and one error in ten at the exact Clopper-Pearson 39.4%', () => {
    expect(upperBound95(0, 300)).toBeCloseTo(1 - 0.05 ** (1 / 300), 6);
    expect(upperBound95(0, 300) * 300).toBeCloseTo(2.99, 1);
    expect(upperBound95(1, 10)).toBeCloseTo(0.3942, 3);
    expect(upperBound95(5, 5)).toBe(1);
  });

  it('counts false matches within the threshold and false non-matches beyond it', () => {
    const [row] = thresholdTable([0.2, 0.5, 0.7], [0.4, 0.8, 0.9, 1.0], [0.6]);
    expect(row!.fmr).toMatchObject({ errors: 1, pairs: 4, rate: 0.25 });
    expect(row!.fnmr).toMatchObject({ errors: 1, pairs: 3 });
    const svg = detPlotSvg(thresholdTable([0.2, 0.5], [0.4, 0.8], [0.5, 0.6]), 0.6, 'a <test>');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('a &lt;test&gt;');
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('fill="#b3261e"');
  });
});

describe('half floats', () => {
  it('decodes IEEE 754 half precision: normal, subnormal, zero, infinity, NaN', () => {
    const halves = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x0001, 0x0000, 0x7c00, 0x7e00, 0x3555]).buffer);
    const floats = halfToFloat(halves);
    expect(Array.from(floats.slice(0, 5))).toEqual([1, -2, 2 ** -24, 0, Number.POSITIVE_INFINITY]);
    expect(floats[5]).toBeNaN();
    expect(floats[6]).toBeCloseTo(1 / 3, 3);
  });
});
