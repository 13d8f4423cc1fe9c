// models/face_detector.onnx: the short-range BlazeFace detector the screen
// runs (face_detection_short_range.tflite from @mediapipe/face_detection),
// converted op for op to ONNX (tfliteToOnnx.ts) so that the core finds faces
// and their six keypoints with the same network on the chip photo and on the
// live pictures, in onnxruntime-node.
import type { BuiltFile } from './build.js';
import { writeOnnxModel } from './onnx.js';
import { findPackage, slice } from './sources.js';
import { convertTflite } from './tfliteToOnnx.js';

export const DETECTOR_ONNX_FILE = 'face_detector.onnx';
/** The network's square input. */
export const DETECTOR_INPUT_SIZE = 128;
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
    // The network wants RGB scaled to [-1, 1]: (x − 127.5) / 127.5.
    preprocess: (input, output) => [
      { op: 'Sub', inputs: [input, 'half_range'], outputs: ['centred'], name: 'centred' },
      { op: 'Div', inputs: ['centred', 'half_range'], outputs: [output], name: output },
    ],
  });
  const [size] = [graph.input.shape[1]];
  if (size !== DETECTOR_INPUT_SIZE || graph.input.shape[2] !== DETECTOR_INPUT_SIZE)
    throw new Error(`${SOURCE} takes [${graph.input.shape.join(', ')}], not a ${DETECTOR_INPUT_SIZE}-pixel square.`);
  const bytes = writeOnnxModel({
    producer: { name: 'anjungan-ikd scripts/models/faceDetectorOnnx.ts', version: pkg.version },
    opset: 13,
    docString: `Short-range BlazeFace from ${pkg.name}@${pkg.version} ${SOURCE}, converted to ONNX.`,
    metadata: {
      source: `${pkg.name}@${pkg.version}`,
      input: 'image: float32 [1,128,128,3] RGB 0-255',
      output: 'regressors: float32 [1,896,16] (box and 6 keypoints per anchor, pixels of the input); scores: float32 [1,896,1] logits',
    },
    graph: {
      name: 'face_detector',
      nodes: graph.nodes,
      initializers: [{ name: 'half_range', dims: [], data: new Float32Array([127.5]) }, ...graph.initializers],
      inputs: [{ name: 'image', shape: graph.input.shape }],
      outputs: graph.outputs,
    },
  });
  const ops = Object.entries(graph.operators)
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ');
  return {
    name: DETECTOR_ONNX_FILE,
    kind: 'model',
    bytes,
    entries: [],
    sources: [source],
    licence: 'Apache-2.0',
    edits:
      `Converted from TFLite to ONNX opset 13 (${ops}); float16 weights decoded to float32; NHWC activations run as NCHW; ` +
      'TensorFlow SAME padding written as explicit pads; input RGB 0-255 scaled to [-1, 1] inside the graph.',
  };
}
