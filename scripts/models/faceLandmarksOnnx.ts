// models/face_landmarks.onnx: MediaPipe's face mesh (468 points, the model
// without attention, face_landmark.tflite inside @mediapipe/face_mesh's
// packed assets), converted op for op to ONNX (tfliteToOnnx.ts), so that the
// core measures head pose and open or shut eyes on the pictures it is sent
// with the same mesh indices and geometry (src/shared/face/geometry.ts) the
// screen's judge uses.
import type { BuiltFile } from './build.js';
import { MESH_INPUT } from '../../src/core/face/landmarks.js';
import { LANDMARKS_ONNX } from '../../src/core/face/modelFiles.js';
import { findPackage, packedFile } from './sources.js';
import { convertedModelFile, convertTflite } from './tfliteToOnnx.js';

const SOURCE = 'face_landmark.tflite';

export function buildFaceLandmarksModel(root: string): BuiltFile {
  const pkg = findPackage(root, '@mediapipe/face_mesh');
  if (pkg.licence !== 'Apache-2.0')
    throw new Error(`${pkg.name}@${pkg.version} is licensed "${pkg.licence}", not Apache-2.0; review before redistributing.`);
  const source = packedFile(
    pkg,
    'face_mesh_solution_packed_assets_loader.js',
    'face_mesh_solution_packed_assets.data',
    SOURCE,
    'face_landmarks.onnx (face mesh, 468 points, converted to ONNX)',
  );
  const graph = convertTflite(source.bytes, {
    inputName: 'image',
    outputNames: ['landmarks', 'presence'],
    inputSize: MESH_INPUT,
    // The network wants RGB scaled to [0, 1].
    preprocess: (input, output) => [{ op: 'Div', inputs: [input, 'full_range'], outputs: [output], name: output }],
  });
  return convertedModelFile({
    name: LANDMARKS_ONNX,
    graphName: 'face_landmarks',
    producer: 'scripts/models/faceLandmarksOnnx.ts',
    source,
    constant: { name: 'full_range', value: 255 },
    graph,
    docString: `MediaPipe face mesh (468 landmarks) from ${pkg.name}@${pkg.version} ${SOURCE}, converted to ONNX.`,
    metadata: {
      input: 'image: float32 [1,192,192,3] RGB 0-255',
      output: 'landmarks: float32 [1,1,1,1404] (468 × x, y, z in input pixels); presence: float32 [1,1,1,1] logit',
    },
    scaling: 'input RGB 0-255 scaled to [0, 1] inside the graph',
  });
}
