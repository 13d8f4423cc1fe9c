// Converts a float TFLite graph (float32, or float16 weights behind
// DEQUANTIZE) to an ONNX opset 13 graph, op by op, for the small set of
// operators MediaPipe's face models use. TFLite lays activations out NHWC;
// the ONNX graph runs NCHW (what ONNX Conv wants), so 4-D tensors are
// transposed once at the input and back before any op whose meaning
// depends on the layout (RESHAPE, a graph output). Field ids and enum values
// are those of tensorflow/lite/schema/schema.fbs.
import type { BuiltFile } from './build.js';
import { FbTable } from './flatbuffer.js';
import { writeOnnxModel, type OnnxNode, type OnnxTensor } from './onnx.js';
import type { SourceSlice } from './sources.js';
import { readTflite, type TfliteModel, type TfliteTensor } from './tflite.js';

const MODEL_BUFFERS = 4;
const SUBGRAPH_OPERATORS = 3;
const BUFFER_DATA = 0;
const OPERATOR = { opcodeIndex: 0, inputs: 1, outputs: 2, options: 4 };

/** schema.fbs `enum BuiltinOperator`: the ones converted here. */
const Op = {
  ADD: 0,
  CONCATENATION: 2,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  MAX_POOL_2D: 17,
  RELU: 19,
  RESHAPE: 22,
  PAD: 34,
  PRELU: 54,
} as const;
const OP_NAMES = Object.fromEntries(Object.entries(Op).map(([k, v]) => [v, k])) as Record<number, string>;

/** schema.fbs `enum TensorType`. */
const FLOAT32 = 0;
const FLOAT16 = 1;
const INT32 = 2;
/** schema.fbs `enum Padding` and `enum ActivationFunctionType`. */
const PADDING_SAME = 0;
const ACT_NONE = 0;
const ACT_RELU = 1;

export interface ConvertedGraph {
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  /** The TFLite input, now an ONNX NHWC float input of the same shape. */
  input: { name: string; shape: number[] };
  outputs: { name: string; shape: number[] }[];
  /** Operator counts by name, for the manifest's account of the conversion. */
  operators: Record<string, number>;
}

export interface ConvertOptions {
  /** ONNX name of the graph input (NHWC, as TFLite has it). */
  inputName: string;
  /** Nodes that take the NHWC input (already named `inputName`) to what the TFLite input expects, ending in `output`. */
  preprocess?: (input: string, output: string) => OnnxNode[];
  /** ONNX names for the TFLite outputs, in order. */
  outputNames: string[];
  /** The square input side the consumer of the model expects; another size is refused. */
  inputSize: number;
}

/** Decodes IEEE 754 half floats (little-endian) to float32. */
export function halfToFloat(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 2);
  for (let i = 0; i < out.length; i++) {
    const h = view.getUint16(i * 2, true);
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) out[i] = sign * 2 ** -14 * (frac / 1024);
    else if (exp === 31) out[i] = frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else out[i] = sign * 2 ** (exp - 15) * (1 + frac / 1024);
  }
  return out;
}

/** TensorFlow SAME padding along one axis: the extra pixel goes after (bottom or right). */
function samePads(size: number, kernel: number, stride: number, dilation = 1): [number, number] {
  const effective = (kernel - 1) * dilation + 1;
  const out = Math.ceil(size / stride);
  const total = Math.max(0, (out - 1) * stride + effective - size);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** Converts subgraph 0 of a float TFLite model; throws on any operator, type or option it does not handle. */
export function convertTflite(bytes: Uint8Array, options: ConvertOptions): ConvertedGraph {
  const model: TfliteModel = readTflite(bytes);
  if (model.subgraphCount !== 1) throw new Error(`The model has ${model.subgraphCount} subgraphs; only one is converted.`);
  if (model.inputs.length !== 1) throw new Error(`The model has ${model.inputs.length} inputs; one image input is expected.`);
  if (model.outputs.length !== options.outputNames.length)
    throw new Error(`The model has ${model.outputs.length} outputs; ${options.outputNames.length} names were given.`);
  const buffers = model.root.tables(MODEL_BUFFERS);
  const operators = (model.root.tables(2)[0] as FbTable).tables(SUBGRAPH_OPERATORS);

  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const counts: Record<string, number> = {};
  /** Constant tensors (weights) by TFLite index, float32 and in TFLite's layout. */
  const constants = new Map<number, Float32Array | Int32Array>();
  /** ONNX name of each activation tensor (4-D ones are NCHW). */
  const names = new Map<number, string>();
  let serial = 0;
  const fresh = (base: string) => `${base}__${serial++}`;
  const tensor = (i: number): TfliteTensor => {
    const t = model.tensors[i];
    if (!t) throw new Error(`Tensor ${i} does not exist.`);
    return t;
  };

  function constantOf(i: number): Float32Array | Int32Array {
    const known = constants.get(i);
    if (known) return known;
    const t = tensor(i);
    const data = buffers[t.buffer]?.bytes(BUFFER_DATA);
    if (!data || data.length === 0) throw new Error(`Tensor ${t.name} is used as a constant but has no data.`);
    const count = t.shape.reduce((a, b) => a * b, 1);
    let values: Float32Array | Int32Array;
    if (t.type === FLOAT32) values = new Float32Array(data.slice().buffer);
    else if (t.type === FLOAT16) values = halfToFloat(data);
    else if (t.type === INT32) values = new Int32Array(data.slice().buffer);
    else throw new Error(`Tensor ${t.name} has TFLite type ${t.type}; only float32, float16 and int32 constants are handled.`);
    if (values.length !== count) throw new Error(`Tensor ${t.name}: ${values.length} values for shape [${t.shape.join(', ')}].`);
    constants.set(i, values);
    return values;
  }

  function initializer(base: string, dims: number[], data: Float32Array | { int64: number[] }): string {
    const name = fresh(base);
    initializers.push({ name, dims, data });
    return name;
  }

  function activation(i: number): string {
    const name = names.get(i);
    if (name) return name;
    // A constant operand of an elementwise op (a bias added, a PReLU slope): NHWC [.., C] broadcasts as NCHW [C, 1, 1].
    const t = tensor(i);
    const values = constantOf(i);
    if (!(values instanceof Float32Array)) throw new Error(`Tensor ${t.name} is an int32 constant where a float is expected.`);
    const channels = t.shape.at(-1) ?? 1;
    if (values.length !== channels) throw new Error(`Constant ${t.name} [${t.shape.join(', ')}] is not per-channel.`);
    return initializer(t.name, [channels, 1, 1], values);
  }

  function emit(op: string, inputs: string[], output: string, attributes?: OnnxNode['attributes']): string {
    nodes.push({ op, inputs, outputs: [output], name: output, attributes });
    return output;
  }

  /** Applies a fused activation after `x`, producing the op's output name. */
  function fused(x: string, act: number, out: string, what: string): string {
    if (act === ACT_NONE) return emit('Identity', [x], out);
    if (act === ACT_RELU) return emit('Relu', [x], out);
    throw new Error(`${what}: fused activation ${act} is not handled.`);
  }

  const input = tensor(model.inputs[0] as number);
  if (input.shape.length !== 4) throw new Error(`The input ${input.name} is [${input.shape.join(', ')}], not NHWC.`);
  if (input.shape[1] !== options.inputSize || input.shape[2] !== options.inputSize)
    throw new Error(`The model takes [${input.shape.join(', ')}], not a ${options.inputSize}-pixel square.`);
  const prepared = options.preprocess ? fresh('prepared') : options.inputName;
  if (options.preprocess) nodes.push(...options.preprocess(options.inputName, prepared));
  names.set(input.index, emit('Transpose', [prepared], fresh('input_nchw'), { perm: [0, 3, 1, 2] }));

  for (const [n, op] of operators.entries()) {
    const code = model.opcodes[op.uint32(OPERATOR.opcodeIndex)]?.builtin ?? -1;
    const opName = OP_NAMES[code];
    if (!opName) throw new Error(`Operator ${n} has builtin code ${code}, which this converter does not handle.`);
    counts[opName] = (counts[opName] ?? 0) + 1;
    const ins = op.int32s(OPERATOR.inputs);
    const outs = op.int32s(OPERATOR.outputs);
    const outTensor = tensor(outs[0] as number);
    const out = fresh(outTensor.name || `op${n}`);
    const opts = op.table(OPERATOR.options);
    const what = `${opName} ${outTensor.name}`;

    switch (code) {
      case Op.DEQUANTIZE: {
        // Weights stored as float16: decode once, at conversion; the output tensor is that constant.
        constants.set(outs[0] as number, constantOf(ins[0] as number));
        continue;
      }
      case Op.CONV_2D:
      case Op.DEPTHWISE_CONV_2D: {
        const depthwise = code === Op.DEPTHWISE_CONV_2D;
        const x = tensor(ins[0] as number);
        const w = tensor(ins[1] as number);
        const weights = constantOf(ins[1] as number) as Float32Array;
        const [a, kh, kw, b] = w.shape as [number, number, number, number];
        const cin = x.shape[3] as number;
        // TFLite: conv [O, KH, KW, I], depthwise [1, KH, KW, C·M]; ONNX: [O, I/group, KH, KW].
        const cout = depthwise ? b : a;
        const perOut = depthwise ? 1 : b;
        const oihw = new Float32Array(weights.length);
        for (let o = 0; o < cout; o++)
          for (let y = 0; y < kh; y++)
            for (let xk = 0; xk < kw; xk++)
              for (let i = 0; i < perOut; i++) {
                const src = depthwise ? (y * kw + xk) * cout + o : ((o * kh + y) * kw + xk) * perOut + i;
                oihw[((o * perOut + i) * kh + y) * kw + xk] = weights[src] as number;
              }
        const padding = opts?.int8(0) ?? 0;
        const strideW = opts?.int32(1, 1) ?? 1;
        const strideH = opts?.int32(2, 1) ?? 1;
        if (depthwise && (opts?.int32(3, 1) ?? 1) * cin !== cout) throw new Error(`${what}: depth multiplier does not match.`);
        const act = opts?.int8(depthwise ? 4 : 3) ?? 0;
        const dilW = opts?.int32(depthwise ? 5 : 4, 1) ?? 1;
        const dilH = opts?.int32(depthwise ? 6 : 5, 1) ?? 1;
        const [pt, pb] = padding === PADDING_SAME ? samePads(x.shape[1] as number, kh, strideH, dilH) : [0, 0];
        const [pl, pr] = padding === PADDING_SAME ? samePads(x.shape[2] as number, kw, strideW, dilW) : [0, 0];
        const inputs = [activation(ins[0] as number), initializer(`${w.name}_oihw`, [cout, perOut, kh, kw], oihw)];
        if ((ins[2] ?? -1) >= 0) inputs.push(initializer(`${outTensor.name}_bias`, [cout], constantOf(ins[2] as number) as Float32Array));
        const conv = emit('Conv', inputs, act === ACT_NONE ? out : fresh(`${outTensor.name}_conv`), {
          kernel_shape: [kh, kw],
          strides: [strideH, strideW],
          pads: [pt, pl, pb, pr],
          dilations: [dilH, dilW],
          group: depthwise ? cin : 1,
        });
        if (act !== ACT_NONE) fused(conv, act, out, what);
        break;
      }
      case Op.MAX_POOL_2D: {
        const x = tensor(ins[0] as number);
        const padding = opts?.int8(0) ?? 0;
        const [sw, sh, fw, fh] = [opts?.int32(1, 1) ?? 1, opts?.int32(2, 1) ?? 1, opts?.int32(3, 1) ?? 1, opts?.int32(4, 1) ?? 1];
        const act = opts?.int8(5) ?? 0;
        const [pt, pb] = padding === PADDING_SAME ? samePads(x.shape[1] as number, fh, sh) : [0, 0];
        const [pl, pr] = padding === PADDING_SAME ? samePads(x.shape[2] as number, fw, sw) : [0, 0];
        // TFLite's SAME max-pool ignores the padded cells; ONNX MaxPool pads with -inf, which is the same.
        const pool = emit('MaxPool', [activation(ins[0] as number)], act === ACT_NONE ? out : fresh('pool'), {
          kernel_shape: [fh, fw],
          strides: [sh, sw],
          pads: [pt, pl, pb, pr],
        });
        if (act !== ACT_NONE) fused(pool, act, out, what);
        break;
      }
      case Op.ADD: {
        const act = opts?.int8(0) ?? 0;
        const sum = emit('Add', [activation(ins[0] as number), activation(ins[1] as number)], act === ACT_NONE ? out : fresh('sum'));
        if (act !== ACT_NONE) fused(sum, act, out, what);
        break;
      }
      case Op.RELU:
        emit('Relu', [activation(ins[0] as number)], out);
        break;
      case Op.PRELU:
        emit('PRelu', [activation(ins[0] as number), activation(ins[1] as number)], out);
        break;
      case Op.PAD: {
        const paddings = constantOf(ins[1] as number);
        if (!(paddings instanceof Int32Array) || paddings.length !== 8) throw new Error(`${what}: paddings are not int32 [4, 2].`);
        // NHWC [[n0, n1], [h0, h1], [w0, w1], [c0, c1]] → ONNX NCHW [n0, c0, h0, w0, n1, c1, h1, w1].
        const p = Array.from(paddings);
        const pads = [p[0], p[6], p[2], p[4], p[1], p[7], p[3], p[5]] as number[];
        emit('Pad', [activation(ins[0] as number), initializer('pads', [8], { int64: pads })], out, { mode: 'constant' });
        break;
      }
      case Op.RESHAPE: {
        // Reshape means NHWC order: go back to it first when the input is a 4-D activation.
        const x = tensor(ins[0] as number);
        let source = activation(ins[0] as number);
        if (x.shape.length === 4) source = emit('Transpose', [source], fresh('nhwc'), { perm: [0, 2, 3, 1] });
        if (outTensor.shape.length === 4) throw new Error(`${what}: a reshape to 4-D is not handled.`);
        emit('Reshape', [source, initializer('shape', [outTensor.shape.length], { int64: outTensor.shape })], out);
        break;
      }
      case Op.CONCATENATION: {
        let axis = opts?.int32(0) ?? 0;
        const rank = outTensor.shape.length;
        if (axis < 0) axis += rank;
        if (rank === 4) axis = [0, 2, 3, 1][axis] as number;
        const act = opts?.int8(1) ?? 0;
        const cat = emit(
          'Concat',
          ins.map((i) => activation(i)),
          act === ACT_NONE ? out : fresh('cat'),
          { axis },
        );
        if (act !== ACT_NONE) fused(cat, act, out, what);
        break;
      }
    }
    for (const t of [...ins, ...outs]) {
      const type = tensor(t).type;
      if (type !== FLOAT32 && !constants.has(t) && code !== Op.PAD && code !== Op.RESHAPE)
        throw new Error(`${what}: tensor ${tensor(t).name} has TFLite type ${type}; only float graphs are converted.`);
    }
    names.set(outs[0] as number, out);
  }

  const outputs = model.outputs.map((i, k) => {
    const t = tensor(i);
    const name = options.outputNames[k] as string;
    const source = names.get(i);
    if (!source) throw new Error(`Output ${t.name} is not produced by any operator.`);
    if (t.shape.length === 4) emit('Transpose', [source], name, { perm: [0, 2, 3, 1] });
    else emit('Identity', [source], name);
    return { name, shape: t.shape };
  });
  return { nodes, initializers, input: { name: options.inputName, shape: input.shape }, outputs, operators: counts };
}

/** What a converted MediaPipe model file needs said about it. */
export interface ConvertedModelFile {
  name: string;
  graphName: string;
  /** The script that converts it, for the ONNX producer field. */
  producer: string;
  source: SourceSlice;
  /** One scalar the preprocessing divides or subtracts by, named as the preprocess nodes use it. */
  constant: { name: string; value: number };
  graph: ConvertedGraph;
  docString: string;
  metadata: { input: string; output: string };
  /** How the input is scaled inside the graph, for the manifest's edits. */
  scaling: string;
}

/** Writes a converted graph as an ONNX opset 13 model and describes it for models/manifest.json. */
export function convertedModelFile(file: ConvertedModelFile): BuiltFile {
  const { graph, source } = file;
  const bytes = writeOnnxModel({
    producer: { name: `anjungan-ikd ${file.producer}`, version: source.version },
    opset: 13,
    docString: file.docString,
    metadata: { source: `${source.package}@${source.version}`, ...file.metadata },
    graph: {
      name: file.graphName,
      nodes: graph.nodes,
      initializers: [{ name: file.constant.name, dims: [], data: new Float32Array([file.constant.value]) }, ...graph.initializers],
      inputs: [{ name: graph.input.name, shape: graph.input.shape }],
      outputs: graph.outputs,
    },
  });
  const ops = Object.entries(graph.operators)
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ');
  return {
    name: file.name,
    kind: 'model',
    bytes,
    entries: [],
    sources: [source],
    licence: source.licence,
    edits:
      `Converted from TFLite to ONNX opset 13 (${ops}); float16 weights decoded to float32; NHWC activations run as NCHW; ` +
      `TensorFlow SAME padding written as explicit pads; ${file.scaling}.`,
  };
}
