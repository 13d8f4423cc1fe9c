// models/face_embedding.onnx: dlib's face ResNet (128-d embeddings), from the
// tfjs weights @vladmandic/face-api ships as face_recognition_model, written
// as an ONNX opset 13 graph for onnxruntime-node in the core. The layers
// follow face-api's src/faceRecognitionNet (FaceRecognitionNet.ts,
// convLayer.ts, residualLayer.ts, scaleLayer.ts) op for op, so the converted
// model gives the library's own output (test/integration/face-embedding-model.test.ts).
import { join } from 'node:path';
import type { BuiltFile } from './build.js';
import { writeOnnxModel, type OnnxNode, type OnnxTensor } from './onnx.js';
import { findPackage, slice } from './sources.js';

export const EMBEDDING_PACKAGE = '@vladmandic/face-api';
export const EMBEDDING_FILE = 'face_embedding.onnx';
/** The input the network was trained on: a 150×150 RGB face chip. */
export const EMBEDDING_INPUT_SIZE = 150;
/** face-api's FaceRecognitionNet subtracts this mean (RGB, 0–255) and divides by 255. */
export const EMBEDDING_MEAN_RGB = [122.782, 117.001, 104.298] as const;
const WEIGHTS_MANIFEST = 'model/face_recognition_model-weights_manifest.json';
const WEIGHTS_FILE = 'model/face_recognition_model.bin';

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale: number; min: number };
}

/** Reads the tfjs weights: float32 as stored, uint8 dequantized exactly as tfjs does (q · scale + min, then rounded to float32). */
export function readTfjsWeights(
  manifest: { paths: string[]; weights: WeightSpec[] }[],
  bin: Uint8Array,
): Map<string, { shape: number[]; values: Float32Array }> {
  const group = manifest.length === 1 ? manifest[0] : undefined;
  if (!group || group.paths.length !== 1) throw new Error(`${WEIGHTS_MANIFEST}: expected one weights group with one file.`);
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  let at = 0;
  for (const spec of group.weights) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(count);
    if (spec.dtype !== 'float32') throw new Error(`${spec.name}: dtype ${spec.dtype} is not float32.`);
    if (spec.quantization) {
      if (spec.quantization.dtype !== 'uint8') throw new Error(`${spec.name}: ${spec.quantization.dtype} quantization is not handled.`);
      const { scale, min } = spec.quantization;
      for (let i = 0; i < count; i++) values[i] = (bin[at + i] as number) * scale + min;
      at += count;
    } else {
      const view = new DataView(bin.buffer, bin.byteOffset + at, count * 4);
      for (let i = 0; i < count; i++) values[i] = view.getFloat32(i * 4, true);
      at += count * 4;
    }
    out.set(spec.name, { shape: spec.shape, values });
  }
  if (at !== bin.length) throw new Error(`${WEIGHTS_FILE} is ${bin.length} bytes but its manifest describes ${at}.`);
  return out;
}

/** tfjs conv filters are [kh, kw, in, out]; ONNX Conv wants [out, in, kh, kw]. */
function toOihw(shape: number[], v: Float32Array): { dims: number[]; values: Float32Array } {
  const [kh, kw, cin, cout] = shape as [number, number, number, number];
  const out = new Float32Array(v.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = v[((y * kw + x) * cin + i) * cout + o] as number;
  return { dims: [cout, cin, kh, kw], values: out };
}

/** Builds the graph; shapes are tracked as [channels, height, width] to place the zero pads residualDown adds. */
function buildGraph(weights: Map<string, { shape: number[]; values: Float32Array }>): { nodes: OnnxNode[]; initializers: OnnxTensor[] } {
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const used = new Set<string>();
  const weight = (name: string, reshape?: (s: number[], v: Float32Array) => { dims: number[]; values: Float32Array }): string => {
    const w = weights.get(name);
    if (!w) throw new Error(`face_recognition_model has no tensor ${name}; the package layout changed.`);
    const { dims, values } = reshape ? reshape(w.shape, w.values) : { dims: w.shape, values: w.values };
    initializers.push({ name, dims, data: values });
    used.add(name);
    return name;
  };
  // Per-channel scale and shift broadcast over NCHW as [C, 1, 1].
  const perChannel = (s: number[], v: Float32Array) => ({ dims: [s[0] as number, 1, 1], values: v });
  const constant = (name: string, dims: number[], data: OnnxTensor['data']): string => (initializers.push({ name, dims, data }), name);
  let n = 0;
  const op = (type: string, inputs: string[], attributes?: OnnxNode['attributes']): string => {
    const out = `${type.toLowerCase()}_${n++}`;
    nodes.push({ op: type, inputs, outputs: [out], name: out, attributes });
    return out;
  };

  // convLayer: conv2d, + bias, scale (x · weights + biases), relu unless told otherwise.
  const convLayer = (x: string, prefix: string, stride: number, relu: boolean): string => {
    const filters = weight(`${prefix}/conv/filters`, toOihw);
    const k = weights.get(`${prefix}/conv/filters`)!.shape[0] as number;
    // 'same' at stride 1 with an odd kernel pads (k − 1) / 2 on every side; face-api's strided convs are 'valid'.
    const pad = stride === 1 ? (k - 1) / 2 : 0;
    let out = op('Conv', [x, filters, weight(`${prefix}/conv/bias`)], {
      kernel_shape: [k, k],
      strides: [stride, stride],
      pads: [pad, pad, pad, pad],
    });
    out = op('Mul', [out, weight(`${prefix}/scale/weights`, perChannel)]);
    out = op('Add', [out, weight(`${prefix}/scale/biases`, perChannel)]);
    return relu ? op('Relu', [out]) : out;
  };
  const outSize = (size: number, k: number, stride: number) => Math.floor((size - k) / stride) + 1;

  const mean = new Float32Array(EMBEDDING_MEAN_RGB);
  let x = op('Sub', ['image', constant('mean_rgb', [1, 1, 1, 3], mean)]);
  x = op('Div', [x, constant('pixel_scale', [], new Float32Array([255]))]);
  x = op('Transpose', [x], { perm: [0, 3, 1, 2] });
  let shape = [32, outSize(EMBEDDING_INPUT_SIZE, 7, 2), outSize(EMBEDDING_INPUT_SIZE, 7, 2)];
  x = convLayer(x, 'conv32_down', 2, true);
  x = op('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2] });
  shape = [32, outSize(shape[1]!, 3, 2), outSize(shape[2]!, 3, 2)];

  const residual = (input: string, prefix: string): string => {
    const out = convLayer(convLayer(input, `${prefix}/conv1`, 1, true), `${prefix}/conv2`, 1, false);
    return op('Relu', [op('Add', [out, input])]);
  };
  // residualDown: a strided 'valid' conv beside a 2×2 average pool; when they differ the conv output gets a zero row at the
  // bottom and a zero column at the right, and the pooled input zero channels after its own (face-api's residualLayer.ts).
  const residualDown = (input: string, prefix: string, channels: number): string => {
    let out = convLayer(convLayer(input, `${prefix}/conv1`, 2, true), `${prefix}/conv2`, 1, false);
    const conv = [outSize(shape[1]!, 3, 2), outSize(shape[2]!, 3, 2)];
    const pool = [Math.floor(shape[1]! / 2), Math.floor(shape[2]! / 2)];
    let pooled = op('AveragePool', [input], { kernel_shape: [2, 2], strides: [2, 2] });
    if (conv[0] !== pool[0] || conv[1] !== pool[1]) {
      if (pool[0]! - conv[0]! !== 1 || pool[1]! - conv[1]! !== 1) throw new Error(`${prefix}: unexpected shapes ${conv} vs ${pool}.`);
      out = op('Pad', [out, constant(`${prefix}/pad_hw`, [8], { int64: [0, 0, 0, 0, 0, 0, 1, 1] })]);
    }
    if (channels !== shape[0]) {
      pooled = op('Pad', [pooled, constant(`${prefix}/pad_c`, [8], { int64: [0, 0, 0, 0, 0, channels - shape[0]!, 0, 0] })]);
    }
    shape = [channels, pool[0]!, pool[1]!];
    return op('Relu', [op('Add', [pooled, out])]);
  };

  for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) x = residual(x, p);
  x = residualDown(x, 'conv64_down', 64);
  for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) x = residual(x, p);
  x = residualDown(x, 'conv128_down', 128);
  for (const p of ['conv128_1', 'conv128_2']) x = residual(x, p);
  x = residualDown(x, 'conv256_down', 256);
  for (const p of ['conv256_1', 'conv256_2']) x = residual(x, p);
  x = residualDown(x, 'conv256_down_out', 256);
  x = op('ReduceMean', [x], { axes: [2, 3], keepdims: 0 });
  nodes.push({ op: 'MatMul', inputs: [x, weight('fc')], outputs: ['embedding'], name: 'embedding' });

  const unused = [...weights.keys()].filter((k) => !used.has(k));
  if (unused.length > 0) throw new Error(`face_recognition_model tensors not used by the graph: ${unused.join(', ')}.`);
  return { nodes, initializers };
}

/** Converts face-api's face_recognition_model to models/face_embedding.onnx (no network, deterministic bytes). */
export function buildFaceEmbeddingModel(root: string): BuiltFile {
  const pkg = findPackage(root, EMBEDDING_PACKAGE);
  if (pkg.licence !== 'MIT')
    throw new Error(`${pkg.name}@${pkg.version} is licensed "${pkg.licence}", not MIT; review before redistributing.`);
  const manifestSource = slice(pkg, WEIGHTS_MANIFEST, 'tensor names, shapes and uint8 quantization (scale, min) of the weights');
  const binSource = slice(pkg, WEIGHTS_FILE, 'face recognition ResNet weights (dlib, 128-d), tfjs format');
  const manifest = JSON.parse(new TextDecoder().decode(manifestSource.bytes)) as Parameters<typeof readTfjsWeights>[0];
  const { nodes, initializers } = buildGraph(readTfjsWeights(manifest, binSource.bytes));
  const licence = 'Public domain (dlib face recognition ResNet weights, dlib-models README); face-api conversion code MIT';
  const bytes = writeOnnxModel({
    producer: { name: 'anjungan-ikd scripts/models/faceEmbedding.ts', version: pkg.version },
    opset: 13,
    docString: `dlib face recognition ResNet (128-d), converted from ${pkg.name}@${pkg.version} ${WEIGHTS_FILE}.`,
    metadata: {
      source: `${pkg.name}@${pkg.version}`,
      input: 'image: float32 [N,150,150,3] RGB 0-255',
      output: 'embedding: float32 [N,128]',
    },
    graph: {
      name: 'face_embedding',
      nodes,
      initializers,
      inputs: [{ name: 'image', shape: ['N', EMBEDDING_INPUT_SIZE, EMBEDDING_INPUT_SIZE, 3] }],
      outputs: [{ name: 'embedding', shape: ['N', 128] }],
    },
  });
  return {
    name: EMBEDDING_FILE,
    kind: 'model',
    bytes,
    entries: [],
    sources: [manifestSource, binSource],
    licence,
    edits:
      'Converted from tfjs to ONNX opset 13, uint8 tensors dequantized (q · scale + min, float32). Graph as face-api FaceRecognitionNet: ' +
      'input image [N,150,150,3] RGB 0-255, minus mean RGB (122.782, 117.001, 104.298), divided by 255, NHWC to NCHW; output embedding [N,128].',
  };
}

/** The package file the weights come from, for tests that run face-api's own net on the same bytes. */
export function faceApiWeightFiles(root: string): { manifest: string; bin: string } {
  const dir = findPackage(root, EMBEDDING_PACKAGE).dir;
  return { manifest: join(dir, WEIGHTS_MANIFEST), bin: join(dir, WEIGHTS_FILE) };
}
