// A capture's pictures as the screen sends them, cut from the fake camera's
// liveness video (scripts/face-videos: test citizen 3's face, which blinks,
// turns to her left, then to her right): three look-straight crops, one
// crop per action at its clearest frame, the full frame; square crops drawn
// as the screen draws them (1.6 × the face box, 320 × 320). And the times
// the screen would give them on a trace that answers a challenge.
import { livenessPose, LIVENESS_FRAMES } from '../../scripts/face-videos/liveness';
import { createFaceEngine } from '../../src/core/face/faceEngine';
import {
  judgeTrace,
  livenessSettingsSchema,
  type Challenge,
  type LivenessAction,
  type LivenessSettings,
  type TraceEntry,
} from '../../src/shared/face/liveness';
import { modelManifest, verifyCoreModels } from '../../src/core/face/models';
import { DETECTOR_ONNX, EMBEDDING_ONNX } from '../../src/core/face/modelFiles';
import { ensureFaceVideos } from './fakeCamera';
import { encodeJpeg } from './testImages';
import { openY4m, type Y4mVideo } from './y4m';

export interface VideoPictures {
  /** Look-straight crops from three different frontal frames. */
  crops: Array<Uint8Array<ArrayBuffer>>;
  actions: Record<LivenessAction, Uint8Array<ArrayBuffer>>;
  /** A 640 × 480 frame of the face looking straight. */
  still: Uint8Array<ArrayBuffer>;
}

export const CROP_SIZE = 320;
let cached: VideoPictures | null = null;

/** The pictures (made once per test file: a detector run finds the face box). Callers get copies: the core zeroes what it is sent. */
export async function videoPictures(modelsDir: string): Promise<VideoPictures> {
  cached ??= await cut(modelsDir);
  return {
    crops: cached.crops.map((c) => new Uint8Array(c)),
    actions: {
      blink: new Uint8Array(cached.actions.blink),
      turnLeft: new Uint8Array(cached.actions.turnLeft),
      turnRight: new Uint8Array(cached.actions.turnRight),
    },
    still: new Uint8Array(cached.still),
  };
}

async function cut(modelsDir: string): Promise<VideoPictures> {
  const models = verifyCoreModels(modelsDir, modelManifest);
  if (!models.ok) throw new Error(models.problems.map((p) => p.message).join(' '));
  const engine = await createFaceEngine(
    { detector: models.files.get(DETECTOR_ONNX)!, embedding: models.files.get(EMBEDDING_ONNX)! },
    { threads: 1, minDetectionScore: 0.5 },
  );
  const video = openY4m((await ensureFaceVideos()).liveness);
  try {
    const poses = Array.from({ length: LIVENESS_FRAMES }, (_, i) => livenessPose(i));
    const frontal = poses.flatMap((p, i) => (p.closure === 0 && p.turn === 0 ? [i] : []));
    const pick = (test: (p: { closure: number; turn: number }) => boolean) => {
      const index = poses.findIndex(test);
      if (index < 0) throw new Error('The liveness video has no such frame.');
      return index;
    };
    const crop = async (index: number) => {
      const rgb = video.rgb(index);
      const found = await engine.analyse({ format: 'jpeg', bytes: encodeJpeg(video.rgb(index), video.width, video.height, 92) });
      if (!found.ok) throw new Error(`Liveness video frame ${index}: ${found.reason}`);
      return squareCrop(rgb, video, found.box);
    };
    const [a, b, c] = [frontal[5]!, frontal[Math.floor(frontal.length / 2)]!, frontal.at(-3)!];
    return {
      crops: [await crop(a), await crop(b), await crop(c)],
      actions: {
        blink: await crop(pick((p) => p.closure === 1)),
        turnLeft: await crop(pick((p) => p.turn > 0 && poses.every((q) => q.turn <= p.turn))),
        turnRight: await crop(pick((p) => p.turn < 0 && poses.every((q) => q.turn >= p.turn))),
      },
      still: new Uint8Array(encodeJpeg(video.rgb(a), video.width, video.height, 90)),
    };
  } finally {
    video.close();
    await engine.release();
  }
}

/** The screen's crop: a square of 1.6 × the face box's larger side around its centre, grey outside the frame. */
function squareCrop(
  rgb: Uint8Array,
  video: Y4mVideo,
  box: { x: number; y: number; width: number; height: number },
): Uint8Array<ArrayBuffer> {
  const side = Math.max(box.width, box.height) * 1.6;
  const x0 = box.x + box.width / 2 - side / 2;
  const y0 = box.y + box.height / 2 - side / 2;
  const out = new Uint8Array(CROP_SIZE * CROP_SIZE * 3).fill(128);
  for (let v = 0; v < CROP_SIZE; v++)
    for (let u = 0; u < CROP_SIZE; u++) {
      const x = Math.floor(x0 + ((u + 0.5) * side) / CROP_SIZE);
      const y = Math.floor(y0 + ((v + 0.5) * side) / CROP_SIZE);
      if (x < 0 || y < 0 || x >= video.width || y >= video.height) continue;
      for (let k = 0; k < 3; k++) out[(v * CROP_SIZE + u) * 3 + k] = rgb[(y * video.width + x) * 3 + k]!;
    }
  return new Uint8Array(encodeJpeg(out, CROP_SIZE, CROP_SIZE, 92));
}

/**
 * When the screen would have taken a capture's pictures on `trace` (which answers `challenge`): each action picture at the
 * frame that completed its step, and `crops` crops at the last distinct frames after the pass.
 */
export function pictureTimes(
  trace: readonly TraceEntry[],
  challenge: Challenge,
  { crops = 3, settings = livenessSettingsSchema.parse({}) }: { crops?: number; settings?: LivenessSettings } = {},
): { actions: number[]; frames: number[] } {
  const verdict = judgeTrace(challenge, settings, trace);
  if (verdict.status !== 'passed') throw new Error(`The trace does not answer the challenge (${verdict.status}).`);
  const passedAt = verdict.done.at(-1)!.completedMs;
  const after = trace.filter((e) => e.t >= passedAt).map((e) => e.t);
  if (after.length < crops) throw new Error('The trace ends too soon after the pass for the crops.');
  return { actions: verdict.done.map((d) => d.completedMs), frames: after.slice(-crops) };
}
