// The face pipeline the core runs on every picture, inside the face-match
// worker: decode (JPEG or JPEG 2000, sizes checked from the header first),
// find faces with the short-range BlazeFace detector, align the one face to
// dlib's 150×150 chip, and embed it with dlib's face ResNet. Both networks
// run in onnxruntime-node; their sessions are made once, from bytes the
// core verified against models/manifest.json, and reused for every citizen.
import * as ort from 'onnxruntime-node';
import { decodeImage, isPictureError, type ImageFormat, type RgbImage } from '../pictures';
import { alignFace, CHIP_SIZE } from './alignment';
import { decodeDetections, DETECTOR_INPUT, type DetectedFace } from './detection';
import { meshInput, meshMeasures, MESH_INPUT, type MeshMeasures } from './landmarks';
import { letterbox } from './resample';

export interface FaceEngineModels {
  detector: Uint8Array;
  embedding: Uint8Array;
  /** The face mesh: with it each face found (when the call asks) also gets its pose and eye openness (`mesh`). */
  landmarks?: Uint8Array;
}

export interface FaceEngineOptions {
  /** onnxruntime's intra-op threads per session (1 was steadier than 2 on a busy 2-core booth). */
  threads: number;
  /** Detections below this score are not faces (MediaPipe's short-range graph uses 0.5). */
  minDetectionScore: number;
}

export interface PictureInput {
  format: ImageFormat;
  bytes: Uint8Array;
}

export const pictureRefusals = ['UNDECODABLE', 'TOO_LARGE', 'TOO_SMALL', 'NO_FACE', 'MANY_FACES', 'FACE_TOO_SMALL', 'NOT_FINITE'] as const;
export type PictureRefusal = (typeof pictureRefusals)[number];

export interface FaceFound {
  ok: true;
  width: number;
  height: number;
  detectionScore: number;
  box: DetectedFace['box'];
  keypoints: DetectedFace['keypoints'];
  /** Distance between the eye keypoints, picture pixels: how much face the picture holds. */
  eyeDistance: number;
  /** 128 values, Euclidean distance between two of them ≤ the threshold means the same person. */
  embedding: Float32Array;
  /** Head pose and eye openness from the core's own face mesh (when the engine has it). */
  mesh?: MeshMeasures;
  ms: { decode: number; detect: number; embed: number };
}

export type PictureAnalysis = FaceFound | { ok: false; reason: PictureRefusal; message: string; faces?: number };

/** Pictures smaller than this on a side hold no usable face (a chip photo is 120 × 160 at the least seen). */
const MIN_SIDE = 48;
/** Fewer pixels between the eyes than this cannot carry identity. */
const MIN_EYE_DISTANCE = 14;
/** Decoding caps: a camera frame or chip photo is far smaller; anything larger is refused before it is decoded. */
const MAX_SIDE = 4096;
/** A second detection at least this fraction of the first face's width is a second person in the picture. */
const SECOND_FACE_WIDTH = 0.3;

export interface FaceEngine {
  /** With `mesh` (and a mesh model), the face found also gets its pose and eye openness. */
  analyse(picture: PictureInput, options?: { mesh?: boolean }): Promise<PictureAnalysis>;
  release(): Promise<void>;
}

export async function createFaceEngine(models: FaceEngineModels, options: FaceEngineOptions): Promise<FaceEngine> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
  const detector = await ort.InferenceSession.create(models.detector, sessionOptions);
  const embedder = await ort.InferenceSession.create(models.embedding, sessionOptions);
  const mesher = models.landmarks ? await ort.InferenceSession.create(models.landmarks, sessionOptions) : null;

  async function measure(image: RgbImage, face: DetectedFace): Promise<MeshMeasures | undefined> {
    if (!mesher) return undefined;
    const { input, toPicture, scale } = meshInput(image, face);
    const out = await mesher.run({ image: new ort.Tensor('float32', input, [1, MESH_INPUT, MESH_INPUT, 3]) });
    return meshMeasures(
      out.landmarks!.data as Float32Array,
      (out.presence!.data as Float32Array)[0] as number,
      { toPicture, scale },
      image,
    );
  }

  async function detect(image: { width: number; height: number; rgb: Uint8Array }): Promise<DetectedFace[]> {
    const { input, toPicture } = letterbox(image, DETECTOR_INPUT);
    const out = await detector.run({ image: new ort.Tensor('float32', input, [1, DETECTOR_INPUT, DETECTOR_INPUT, 3]) });
    return decodeDetections(out.regressors!.data as Float32Array, out.scores!.data as Float32Array, {
      minScore: options.minDetectionScore,
      overlap: 0.3,
      toPicture,
    });
  }

  async function analyse(picture: PictureInput, { mesh: withMesh = true }: { mesh?: boolean } = {}): Promise<PictureAnalysis> {
    const t0 = performance.now();
    let image;
    try {
      image = await decodeImage(picture, { maxWidth: MAX_SIDE, maxHeight: MAX_SIDE });
    } catch (error) {
      if (!isPictureError(error)) throw error;
      return { ok: false, reason: error.code === 'TOO_LARGE' ? 'TOO_LARGE' : 'UNDECODABLE', message: error.message };
    }
    if (image.width < MIN_SIDE || image.height < MIN_SIDE)
      return {
        ok: false,
        reason: 'TOO_SMALL',
        message: `The picture is ${image.width} × ${image.height}; a face needs at least ${MIN_SIDE} on a side.`,
      };
    const t1 = performance.now();
    let faces: DetectedFace[];
    try {
      faces = await detect(image);
    } catch (error) {
      return { ok: false, reason: 'NOT_FINITE', message: error instanceof Error ? error.message : 'The detector failed.' };
    }
    const t2 = performance.now();
    const [face, ...others] = faces;
    if (!face) return { ok: false, reason: 'NO_FACE', message: 'No face was found in the picture.', faces: 0 };
    const rivals = others.filter((o) => o.box.width >= face.box.width * SECOND_FACE_WIDTH);
    if (rivals.length > 0)
      return {
        ok: false,
        reason: 'MANY_FACES',
        message: `${rivals.length + 1} faces were found in the picture; one is expected.`,
        faces: rivals.length + 1,
      };
    const eyes = face.keypoints;
    const eyeDistance = Math.hypot(eyes.leftEye.x - eyes.rightEye.x, eyes.leftEye.y - eyes.rightEye.y);
    if (eyeDistance < MIN_EYE_DISTANCE)
      return {
        ok: false,
        reason: 'FACE_TOO_SMALL',
        message: `The face is too small (${eyeDistance.toFixed(0)} pixels between the eyes).`,
        faces: 1,
      };
    const { chip } = alignFace(image, face);
    let mesh: MeshMeasures | undefined;
    try {
      if (withMesh) mesh = await measure(image, face);
    } catch (error) {
      return { ok: false, reason: 'NOT_FINITE', message: error instanceof Error ? error.message : 'The face mesh failed.' };
    }
    image.rgb.fill(0);
    const out = await embedder.run({ image: new ort.Tensor('float32', chip, [1, CHIP_SIZE, CHIP_SIZE, 3]) });
    chip.fill(0);
    const embedding = new Float32Array(out.embedding!.data as Float32Array);
    if (embedding.length !== 128 || !embedding.every(Number.isFinite) || embedding.every((v) => v === 0))
      return { ok: false, reason: 'NOT_FINITE', message: 'The embedding model gave no usable values.' };
    const t3 = performance.now();
    return {
      ok: true,
      width: image.width,
      height: image.height,
      detectionScore: face.score,
      box: face.box,
      keypoints: face.keypoints,
      eyeDistance,
      embedding,
      mesh,
      ms: { decode: t1 - t0, detect: t2 - t1, embed: t3 - t2 },
    };
  }

  return {
    analyse,
    release: async () => {
      await detector.release();
      await embedder.release();
      await mesher?.release();
    },
  };
}
