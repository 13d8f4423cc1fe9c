// face-api's own FaceRecognitionNet on TensorFlow.js, the reference the
// converted ONNX model is held to. It runs face-api's Node build for the
// wasm backend (dist/face-api.node-wasm.js) on the packages the project
// installs: tfjs-core and tfjs-backend-wasm 4.22.0. That build asks for the
// umbrella "@tensorflow/tfjs" package, which the project does not install;
// only tfjs-core's ops are used, so that one name is resolved to tfjs-core
// while face-api loads.
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

type Tensor = { dispose(): void; size: number };
interface TfCore {
  Tensor: { prototype: Record<string, unknown> };
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  tensor3d(values: Float32Array, shape: [number, number, number]): Tensor;
  reshape(x: Tensor, shape: number[]): Tensor;
  cast(x: Tensor, dtype: string): Tensor;
  io: { decodeWeights(buffer: ArrayBuffer, specs: unknown): Record<string, Tensor> };
  [op: string]: unknown;
}
interface FaceRecognitionNet {
  loadFromWeightMap(map: Record<string, Tensor>): void;
  computeFaceDescriptor(input: Tensor): Promise<Float32Array>;
  dispose(): void;
}

export interface FaceApiReference {
  backend: string;
  version: string;
  embed(rgb: Float32Array, size: number): Promise<Float32Array>;
  dispose(): void;
}

/**
 * tfjs-core's Node bundle leaves out the chained ops (`x.as3D(...)`, `x.div(...)`) that the umbrella package
 * registers; face-api's code calls a few. Each is the same one-liner tfjs defines: the op applied to the tensor.
 */
function registerChainedOps(tf: TfCore): void {
  const proto = tf.Tensor.prototype;
  for (const [name, dims] of [
    ['as1D', 1],
    ['as2D', 2],
    ['as3D', 3],
    ['as4D', 4],
  ] as const) {
    proto[name] ??= function (this: Tensor, ...shape: number[]) {
      return tf.reshape(this, dims === 1 ? [this.size] : shape);
    };
  }
  proto.toFloat ??= function (this: Tensor) {
    return tf.cast(this, 'float32');
  };
  for (const name of ['add', 'sub', 'mul', 'div', 'mean', 'relu', 'expandDims', 'squeeze', 'transpose', 'slice', 'reshape']) {
    proto[name] ??= function (this: Tensor, ...args: unknown[]) {
      return (tf[name] as (...a: unknown[]) => Tensor)(this, ...args);
    };
  }
}

/** Loads face-api's FaceRecognitionNet with the package's own weights, on the tfjs wasm backend (one thread in Node). */
export async function loadFaceApiReference(root: string): Promise<FaceApiReference> {
  const require = createRequire(join(root, 'package.json'));
  const tf = require('@tensorflow/tfjs-core') as TfCore;
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
  registerChainedOps(tf);
  const resolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = resolver._resolveFilename;
  resolver._resolveFilename = function (request, ...rest) {
    return original.call(this, request === '@tensorflow/tfjs' ? '@tensorflow/tfjs-core' : request, ...rest);
  };
  let faceapi: { FaceRecognitionNet: new () => FaceRecognitionNet; version: string };
  try {
    faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof faceapi;
  } finally {
    resolver._resolveFilename = original;
  }
  wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/'));
  if (!(await tf.setBackend('wasm'))) throw new Error('The tfjs wasm backend did not start.');
  await tf.ready();

  const modelDir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  const manifest = JSON.parse(readFileSync(join(modelDir, 'face_recognition_model-weights_manifest.json'), 'utf8')) as {
    weights: unknown;
  }[];
  const bin = readFileSync(join(modelDir, 'face_recognition_model.bin'));
  const net = new faceapi.FaceRecognitionNet();
  // tfjs's own decoder dequantizes the uint8 weights, independently of the converter's.
  net.loadFromWeightMap(tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length), manifest[0]?.weights));
  return {
    backend: tf.getBackend(),
    version: faceapi.version,
    async embed(rgb, size) {
      const input = tf.tensor3d(rgb, [size, size, 3]);
      try {
        return await net.computeFaceDescriptor(input);
      } finally {
        input.dispose();
      }
    },
    dispose: () => net.dispose(),
  };
}
