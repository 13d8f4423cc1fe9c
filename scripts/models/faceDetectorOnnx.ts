// models/face_detector.onnx: the short-range BlazeFace detector the screen
// runs (face_detection_short_range.tflite from @mediapipe/face_detection),
// converted op for op to ONNX (tfliteToOnnx.ts) so that the core finds faces
// and their six keypoints with the same network on the chip photo and on the
// live pictures, in onnxruntime-node.
import type { BuiltFile } from './build.js';
import { DETECTOR_INPUT } from '../../src/core/face/detection.js';
import { DETECTOR_ONNX } from '../../src/core/face/modelFiles.js';
import { findPackage, slice } from './sources.js';
import { convertedModelFile, convertTflite } from './tfliteToOnnx.js';

const SOURCE = 'face_detection_short_range.tflite';

/** Converts the short-range detector (no network, deterministic bytes). */
export function buildFaceDetectorModel(root: string): BuiltFile {
  const pkg = findPackage(root, '@mediapipe/face_detection');
  if (pkg.licence !== 'Apache-2.0')
    throw new Error(`${pkg.name}@${pkg.version} is licensed "${pkg.licence}", not Apache-2.0; review before redistributing.`);
  const source = slice(pkg, SOURCE, 'face_detector.onnx (short-range BlazeFace, converted to ONNX)');
  const graph = convertTflite(source.bytes, {
    inputName: 'image',
    outputNames: ['regressors', 'scores'],
    inputSize: DETECTOR_INPUT,
    // The network wants RGB scaled to [-1, 1]: (x − 127.5) / 127.5.
    preprocess: (input, output) => [
      { op: 'Sub', inputs: [input, 'half_range'], outputs: ['centred'], name: 'centred' },
      { op: 'Div', inputs: ['centred', 'half_range'], outputs: [output], name: output },
    ],
  });
  return convertedModelFile({
    name: DETECTOR_ONNX,
    graphName: 'face_detector',
    producer: 'scripts/models/faceDetectorOnnx.ts',
    source,
    constant: { name: 'half_range', value: 127.5 },
    graph,
    docString: `Short-range BlazeFace from ${pkg.name}@${pkg.version} ${SOURCE}, converted to ONNX.`,
    metadata: {
      input: 'image: float32 [1,128,128,3] RGB 0-255',
      output: 'regressors: float32 [1,896,16] (box and 6 keypoints per anchor, pixels of the input); scores: float32 [1,896,1] logits',
    },
    scaling: 'input RGB 0-255 scaled to [-1, 1] inside the graph',
  });
}
