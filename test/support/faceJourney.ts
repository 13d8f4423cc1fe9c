// A booth brought to the face step with the real matcher, and a capture
// answered with the fake camera's liveness video (test citizen 3's face):
// what the face-verify and vault journey tests share.
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import type { BoothConfigInput } from '../../src/core/config';
import { LANDMARKER_FILE, type VerifiedModels } from '../../src/core/face/models';
import type { FaceCaptureParams } from '../../src/shared/contract/faceSchemas';
import { inProcessBooth, type InProcessBooth } from './inProcess';
import { answer, withQuickLiveness } from './livenessTrace';
import { CROP_SIZE, pictureTimes, videoPictures, type VideoPictures } from './videoCapture';
import { walkTo } from './walkTo';

const root = resolve(import.meta.dirname, '../..');
/** The renderer's model as the booth would have checked it (the core's own models are real). */
export const RENDERER_MODELS: VerifiedModels = { ok: true, files: new Map([[LANDMARKER_FILE, Buffer.from('model')]]) };

/** An in-process booth with the real matcher, walked to the face step with test citizen `identity`'s card; `opened` gets its close. */
export async function boothAtFaceStep(
  identity: number,
  config: BoothConfigInput,
  opened: Array<() => Promise<void>>,
): Promise<InProcessBooth> {
  const booth = await inProcessBooth(
    withQuickLiveness({ devices: { card: { driver: 'emulated-serial', identity, baudRate: 921600 } }, ...config }),
    RENDERER_MODELS,
    { coreModelsDir: join(root, 'models') },
  );
  opened.push(() => booth.booth.dispose());
  await walkTo(booth.client, 'face');
  return booth;
}

export type FaceClient = InProcessBooth['client'];
export type Forge = (params: FaceCaptureParams, pictures: VideoPictures) => void;

/**
 * Answers a challenge with pictures from the fake camera's liveness video (look-straight crops, one picture per action, the
 * full frame), on a synthetic trace; `forge` may change the call before it is sent.
 */
export async function submitVideoCapture(client: FaceClient, forge: Forge = () => {}) {
  const pictures = await videoPictures(join(root, 'models'));
  const begun = await client.face.beginChallenge();
  if (!begun.ok) throw new Error(begun.error.message);
  const { challenge } = begun.value;
  expect(await client.face.startChallenge({ challengeId: challenge.id })).toMatchObject({ ok: true });
  const trace = answer(challenge);
  await new Promise((resolve) => setTimeout(resolve, trace.at(-1)!.t));
  const times = pictureTimes(trace, challenge);
  const square = (jpeg: Uint8Array<ArrayBuffer>) => ({ jpeg, width: CROP_SIZE, height: CROP_SIZE });
  const params: FaceCaptureParams = {
    challengeId: challenge.id,
    trace,
    frames: pictures.crops.map((jpeg, i) => ({ ...square(jpeg), score: 90 - i, t: times.frames[i]! })),
    actions: challenge.steps.map((action, i) => ({ ...square(new Uint8Array(pictures.actions[action])), action, t: times.actions[i]! })),
    still: { jpeg: pictures.still, width: 640, height: 480 },
  };
  forge(params, pictures);
  return { params, result: await client.face.submitCapture(params) };
}

/** A capture the core keeps (it fails the test otherwise). */
export async function captureVideoFace(client: FaceClient, forge?: Forge): Promise<void> {
  const { result } = await submitVideoCapture(client, forge);
  expect(result, JSON.stringify(result.ok ? {} : result.error)).toMatchObject({ ok: true, value: { faceCaptured: true } });
}
