// The recipe for models/face_landmarker.task: which package bytes go in and
// what is changed, so that MediaPipe Tasks (tasks-vision 1.1.0) accepts
// models shipped with the older @mediapipe solutions packages.
import { buildLandmarkGraphEdit } from './landmarkGraph.js';
import { buildImageModelMetadata, METADATA_NAME } from './metadata.js';
import { extractRefinements, validateRefinements } from './refinement.js';
import { assertTflite, findPackage, packedFile, slice, type SourceSlice } from './sources.js';
import { readTflite, writeEditedTflite, type TfliteModel } from './tflite.js';
import { writeStoredZip } from './zip.js';

/** 468 mesh points plus 5 per iris: what the Tasks landmark graph decodes. */
export const LANDMARKS = 478;
const LICENCE = 'Apache-2.0';

export interface BuiltFile {
  name: string;
  /** A model the runtime loads, or the runtime itself (runtime.ts). */
  kind: 'model' | 'runtime' | 'picture';
  bytes: Uint8Array;
  entries: { name: string; bytes: Uint8Array }[];
  sources: SourceSlice[];
  licence: string;
  edits: string;
}

/** Packages whose bytes feed the build; the manifest records their versions. */
export const SOURCE_PACKAGES = ['@mediapipe/face_detection', '@mediapipe/face_mesh'] as const;

/**
 * Every model file the booth ships: the landmarker bundle, and the same
 * detector on its own for the periodic "is anyone else in view?" scan (the
 * landmarker tracks one face and runs its detector only when it loses it).
 */
export function buildFaceModels(root: string): BuiltFile[] {
  const task = buildFaceLandmarkerTask(root);
  const detector = task.entries.find((e) => e.name === 'face_detector.tflite')!;
  return [
    task,
    {
      name: 'face_detector.tflite',
      kind: 'model',
      bytes: detector.bytes,
      entries: [],
      sources: [task.sources[0]!],
      licence: task.licence,
      edits:
        'Original bytes plus TFLite metadata (RGB input, normalization mean 127.5 std 127.5); identical to the detector inside face_landmarker.task.',
    },
  ];
}

/** Builds the face landmarker bundle from packages installed under `root` (no network). */
export function buildFaceLandmarkerTask(root: string): BuiltFile {
  const detection = findPackage(root, '@mediapipe/face_detection');
  const mesh = findPackage(root, '@mediapipe/face_mesh');
  for (const p of [detection, mesh]) {
    if (p.licence !== LICENCE)
      throw new Error(`${p.name}@${p.version} is licensed "${p.licence}", not ${LICENCE}; review before redistributing.`);
  }

  const detectorSource = slice(detection, 'face_detection_short_range.tflite', 'face_detector.tflite (short-range BlazeFace)');
  assertTflite(detectorSource);
  const detector = readTflite(detectorSource.bytes);
  expectImageInput(detector, 128, detectorSource);
  const detectorBytes = writeEditedTflite(detector, {
    metadata: [
      {
        name: METADATA_NAME,
        data: buildImageModelMetadata({
          name: 'face_detector',
          description: 'Short-range BlazeFace face detector from @mediapipe/face_detection, with input metadata added.',
          licence: LICENCE,
          input: { name: 'image', description: 'RGB image, 128x128, scaled to [-1, 1].', mean: 127.5, std: 127.5 },
          outputs: [
            { name: 'regressors', description: 'Box and keypoint offsets for 896 anchors.' },
            { name: 'classificators', description: 'Face score logits for 896 anchors.' },
          ],
        }),
      },
    ],
  });

  const landmarkSource = packedFile(
    mesh,
    'face_mesh_solution_packed_assets_loader.js',
    'face_mesh_solution_packed_assets.data',
    'face_landmark_with_attention.tflite',
    'face_landmarks_detector.tflite (face mesh with attention: mesh, lips, eyes, irises)',
  );
  assertTflite(landmarkSource);
  const wasm = slice(mesh, 'face_mesh_solution_simd_wasm_bin.wasm', '');
  const graph = extractRefinements(wasm.bytes);
  validateRefinements(graph.refinements, LANDMARKS);
  const refinementSource = slice(
    mesh,
    wasm.file,
    'landmark refinement index mappings (compiled graph TensorsToFaceLandmarksWithAttention)',
    graph.range,
  );

  const landmarker = readTflite(landmarkSource.bytes);
  expectImageInput(landmarker, 192, landmarkSource);
  const { edit } = buildLandmarkGraphEdit(landmarker, graph.refinements, LANDMARKS);
  edit.metadata = [
    {
      name: METADATA_NAME,
      data: buildImageModelMetadata({
        name: 'face_landmarks_detector',
        description:
          'Attention face mesh from @mediapipe/face_mesh with lips, eye and iris refinement folded into one 478-landmark output.',
        licence: LICENCE,
        input: { name: 'image', description: 'RGB face crop, 192x192, scaled to [0, 1].', mean: 0, std: 255 },
        outputs: [
          { name: 'landmarks', description: `${LANDMARKS} landmarks, x y z in input pixels.` },
          { name: 'face_flag', description: 'Face presence logit.' },
        ],
      }),
    },
  ];
  const landmarkBytes = writeEditedTflite(landmarker, edit);
  expectOutputs(readTflite(landmarkBytes), [
    [1, 1, 1, LANDMARKS * 3],
    [1, 1, 1, 1],
  ]);

  const entries = [
    { name: 'face_detector.tflite', bytes: detectorBytes },
    { name: 'face_landmarks_detector.tflite', bytes: landmarkBytes },
  ];
  return {
    name: 'face_landmarker.task',
    kind: 'model',
    bytes: writeStoredZip(entries.map((e) => ({ name: e.name, data: e.bytes }))),
    entries,
    sources: [detectorSource, landmarkSource, refinementSource],
    licence: LICENCE,
    edits:
      'Stored zip of two TFLite models. face_detector.tflite: original bytes plus TFLite metadata (RGB input, normalization mean 127.5 std 127.5). ' +
      'face_landmarks_detector.tflite: original bytes plus metadata (mean 0 std 255) and appended ops CONCATENATION, FULLY_CONNECTED, RESHAPE, CONCATENATION, GATHER ' +
      `that apply the lips/eye/iris refinement (mappings read from the face_mesh wasm) to give outputs [landmarks [1,1,1,${LANDMARKS * 3}], face flag].`,
  };
}

function expectImageInput(model: TfliteModel, size: number, source: SourceSlice): void {
  const input = model.inputs.length === 1 ? model.tensors[model.inputs[0] as number] : undefined;
  if (!input || input.type !== 0 || input.shape.join(',') !== `1,${size},${size},3`) {
    throw new Error(
      `${source.package} ${source.file}: expected one float32 [1,${size},${size},3] input, found ${input ? `[${input.shape.join(',')}]` : `${model.inputs.length} inputs`}.`,
    );
  }
}

function expectOutputs(model: TfliteModel, shapes: number[][]): void {
  const found = model.outputs.map((i) => model.tensors[i]?.shape.join(','));
  if (found.join(' ') !== shapes.map((s) => s.join(',')).join(' ')) {
    throw new Error(`Edited landmark model has outputs [${found.join('] [')}], expected [${shapes.map((s) => s.join(',')).join('] [')}].`);
  }
}
