// The quality gate: is this frame good enough to match against the chip
// photo? Measures follow ISO/IEC 29794-5 and BSI OFIQ (single face, inter-eye
// distance, head size, centring and margins, pose, eyes open, luminance,
// exposure, dynamic range, illumination uniformity, sharpness, occlusions);
// thresholds come from the booth's configuration. The first failing measure
// in priority order picks the one prompt the citizen sees.
import { z } from 'zod';
import type { FaceGeometry } from './geometry';
import type { LumaStats } from './pixels';

export const qualityThresholdsSchema = z
  .object({
    minFaceHeightRatio: z.number().min(0.05).max(1).default(0.34),
    maxFaceHeightRatio: z.number().min(0.1).max(1).default(0.8),
    minInterEyePx: z.number().min(20).max(1000).default(70),
    /** Largest distance of the face centre from the frame centre, as a fraction of the frame. */
    maxCentreOffset: z.number().min(0.01).max(0.5).default(0.12),
    /** Smallest gap from the face to a frame edge, as a fraction of the face width. */
    minMarginRatio: z.number().min(0).max(1).default(0.05),
    maxYawDeg: z.number().min(1).max(45).default(12),
    maxPitchDeg: z.number().min(1).max(45).default(15),
    maxRollDeg: z.number().min(1).max(45).default(10),
    minEyeOpenness: z.number().min(0).max(1).default(0.15),
    /** Mean face luma, 0–255. */
    minLuma: z.number().min(0).max(255).default(70),
    maxLuma: z.number().min(0).max(255).default(215),
    maxClippedFraction: z.number().min(0).max(1).default(0.08),
    minDynamicRange: z.number().min(0).max(255).default(40),
    /** Darker half of the face over the brighter half. */
    minUniformity: z.number().min(0).max(1).default(0.55),
    /** Laplacian variance of the 96 × 96 face crop. */
    minSharpness: z.number().min(0).default(25),
    /** Face-centre movement per 1/30 s (see motionPerFrame), in inter-eye distances: more is not holding still. */
    maxMotion: z.number().min(0).default(0.12),
    /** Eye-region luma over cheek luma below this reads as sunglasses. */
    sunglassesRatio: z.number().min(0).max(1).default(0.4),
    /** The lower face this much less red than the forehead (×100, smooth, not a beard) reads as a mask. */
    maxMaskScore: z.number().min(0).max(100).default(6),
    /** How long every measure must pass before the frame run counts as good. */
    holdMs: z.int().min(0).max(10_000).default(800),
  })
  .strict();
export type QualityThresholds = z.output<typeof qualityThresholdsSchema>;

/** What the renderer measured on one frame. */
export interface FrameMeasures {
  faces: number;
  geometry?: FaceGeometry;
  pixels?: {
    luma: LumaStats;
    uniformity: number;
    sharpness: number;
    /** Mean luma of the eye regions over the cheeks. */
    eyeToCheekLuma: number;
    /** How much less red (and no more textured) the mouth-and-chin region is than the forehead, ×100. */
    maskScore: number;
  };
  /** Face-centre movement per 1/30 s since the previous frame, in inter-eye distances (motionPerFrame). */
  motion?: number;
}

/** Motion is measured per this much time (one frame at 30 fps), whatever the loop's frame rate. */
const MOTION_FRAME_MS = 1000 / 30;
/** Longer gaps count as this long: after a stall a jump must still read as movement. */
const MOTION_MAX_GAP_MS = 200;

/**
 * Face-centre movement between two processed frames `dtMs` apart, in
 * inter-eye distances per 1/30 s. Per frame pair it would grow as the loop
 * slows: at 10 frames a second a citizen standing as still as at 30 would
 * move three times as far between frames and be told to hold still.
 */
export function motionPerFrame(shiftPx: number, interEyePx: number, dtMs: number): number {
  const dt = Math.min(MOTION_MAX_GAP_MS, Math.max(MOTION_FRAME_MS / 2, dtMs));
  return (shiftPx / Math.max(1, interEyePx)) * (MOTION_FRAME_MS / dt);
}

export const guidancePrompts = [
  'noFace',
  'oneFace',
  'moveCloser',
  'stepBack',
  'moveLeft',
  'moveRight',
  'centreFace',
  'moreLight',
  'lessLight',
  'evenLight',
  'removeSunglasses',
  'removeMask',
  'lookStraight',
  'levelHead',
  'raiseHead',
  'lowerHead',
  'openEyes',
  'holdStill',
  'good',
] as const;
export type GuidancePrompt = (typeof guidancePrompts)[number];

export interface MeasureResult {
  name: string;
  value: number;
  /** The limit it was held to, shown in the technician overlay. */
  limit: string;
  pass: boolean;
}

export interface QualityVerdict {
  passed: boolean;
  prompt: GuidancePrompt;
  measures: MeasureResult[];
  /** 0–100, to rank good frames (only meaningful when passed). */
  score: number;
}

/**
 * Judges one frame. "Move left" means the citizen's own left, whatever the
 * preview: a face at the camera image's left (the citizen's right side of
 * the view) must move to the citizen's left. On the default mirrored
 * preview that is also the screen's left.
 */
export function judgeFrame(frame: FrameMeasures, t: QualityThresholds): QualityVerdict {
  const measures: MeasureResult[] = [{ name: 'faces', value: frame.faces, limit: '= 1', pass: frame.faces === 1 }];
  if (frame.faces > 1) return verdict(measures, 'oneFace', 0);
  if (frame.faces === 0 || !frame.geometry) return verdict(measures, 'noFace', 0);
  const g = frame.geometry;
  const checks: Array<[MeasureResult, GuidancePrompt]> = [];
  const add = (name: string, value: number, limit: string, pass: boolean, prompt: GuidancePrompt) =>
    checks.push([{ name, value, limit, pass }, prompt]);

  add('faceHeight', g.faceHeightRatio, `≥ ${t.minFaceHeightRatio}`, g.faceHeightRatio >= t.minFaceHeightRatio, 'moveCloser');
  add('interEyePx', g.interEyePx, `≥ ${t.minInterEyePx}`, g.interEyePx >= t.minInterEyePx, 'moveCloser');
  add('faceHeightMax', g.faceHeightRatio, `≤ ${t.maxFaceHeightRatio}`, g.faceHeightRatio <= t.maxFaceHeightRatio, 'stepBack');
  // Seen from the citizen, the camera image is mirrored: x in their own frame is 1 − x.
  const citizenX = 1 - g.centreX;
  add(
    'centreX',
    citizenX - 0.5,
    `± ${t.maxCentreOffset}`,
    Math.abs(citizenX - 0.5) <= t.maxCentreOffset,
    citizenX > 0.5 ? 'moveLeft' : 'moveRight',
  );
  add('centreY', g.centreY - 0.5, `± ${t.maxCentreOffset * 1.5}`, Math.abs(g.centreY - 0.5) <= t.maxCentreOffset * 1.5, 'centreFace');
  add('margin', g.marginRatio, `≥ ${t.minMarginRatio}`, g.marginRatio >= t.minMarginRatio, 'centreFace');
  const p = frame.pixels;
  if (p) {
    add('luma', p.luma.mean, `≥ ${t.minLuma}`, p.luma.mean >= t.minLuma, 'moreLight');
    add('lumaMax', p.luma.mean, `≤ ${t.maxLuma}`, p.luma.mean <= t.maxLuma, 'lessLight');
    add(
      'clipped',
      p.luma.darkFraction + p.luma.brightFraction,
      `≤ ${t.maxClippedFraction}`,
      p.luma.darkFraction + p.luma.brightFraction <= t.maxClippedFraction,
      p.luma.brightFraction > p.luma.darkFraction ? 'lessLight' : 'moreLight',
    );
    add('dynamicRange', p.luma.p95 - p.luma.p5, `≥ ${t.minDynamicRange}`, p.luma.p95 - p.luma.p5 >= t.minDynamicRange, 'moreLight');
    add('uniformity', p.uniformity, `≥ ${t.minUniformity}`, p.uniformity >= t.minUniformity, 'evenLight');
    add('sunglasses', p.eyeToCheekLuma, `≥ ${t.sunglassesRatio}`, p.eyeToCheekLuma >= t.sunglassesRatio, 'removeSunglasses');
    add('mask', p.maskScore, `≤ ${t.maxMaskScore}`, p.maskScore <= t.maxMaskScore, 'removeMask');
  }
  add('yaw', g.yawDeg, `± ${t.maxYawDeg}°`, Math.abs(g.yawDeg) <= t.maxYawDeg, 'lookStraight');
  add('roll', g.rollDeg, `± ${t.maxRollDeg}°`, Math.abs(g.rollDeg) <= t.maxRollDeg, 'levelHead');
  add('pitch', g.pitchDeg, `± ${t.maxPitchDeg}°`, Math.abs(g.pitchDeg) <= t.maxPitchDeg, g.pitchDeg > 0 ? 'lowerHead' : 'raiseHead');
  add('eyesOpen', g.eyeOpenness.mean, `≥ ${t.minEyeOpenness}`, g.eyeOpenness.mean >= t.minEyeOpenness, 'openEyes');
  if (p) add('sharpness', p.sharpness, `≥ ${t.minSharpness}`, p.sharpness >= t.minSharpness, 'holdStill');
  if (frame.motion !== undefined) add('motion', frame.motion, `≤ ${t.maxMotion}`, frame.motion <= t.maxMotion, 'holdStill');

  measures.push(...checks.map(([m]) => m));
  const failing = checks.find(([m]) => !m.pass);
  return verdict(measures, failing ? failing[1] : 'good', failing ? 0 : score(frame, t));
}

function verdict(measures: MeasureResult[], prompt: GuidancePrompt, value: number): QualityVerdict {
  return { passed: prompt === 'good', prompt, measures, score: value };
}

/** Ranks good frames: sharp, frontal, open-eyed and well exposed score higher. */
function score(frame: FrameMeasures, t: QualityThresholds): number {
  const g = frame.geometry!;
  const p = frame.pixels;
  const pose =
    1 - Math.min(1, (Math.abs(g.yawDeg) / t.maxYawDeg + Math.abs(g.pitchDeg) / t.maxPitchDeg + Math.abs(g.rollDeg) / t.maxRollDeg) / 3);
  const sharp = p ? Math.min(1, p.sharpness / (t.minSharpness * 4)) : 0.5;
  const exposure = p ? 1 - Math.min(1, Math.abs(p.luma.mean - 128) / 128) : 0.5;
  const eyes = Math.min(1, g.eyeOpenness.mean / (t.minEyeOpenness * 2));
  return Math.round(100 * (0.4 * sharp + 0.3 * pose + 0.15 * exposure + 0.15 * eyes));
}
