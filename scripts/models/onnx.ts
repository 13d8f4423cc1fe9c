// A minimal ONNX writer: the messages of onnx/onnx.proto (ModelProto,
// GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto) that a
// plain feed-forward float32 graph needs, written with the project's own
// protobuf encoders. Field numbers are those of onnx.proto (IR version 7,
// the one that goes with opset 13).
import { bytesField, concatBytes, floatField, packedVarints, varintField } from './protobuf.js';

/** TensorProto.DataType values used here. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;
/** IR version 7 is the ONNX release (1.8) that introduced opset 13. */
export const ONNX_IR_VERSION = 7;

export type AttributeValue = number | number[] | string | { float: number };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes?: Record<string, AttributeValue>;
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  /** Float32 values, or int64 values given as safe integers (written as little-endian raw data). */
  data: Float32Array | { int64: number[] };
}

/** A graph input or output: float32 with fixed sizes or named (symbolic) ones such as the batch. */
export interface OnnxValue {
  name: string;
  shape: (number | string)[];
}

export interface OnnxModel {
  producer: { name: string; version: string };
  opset: number;
  graph: { name: string; nodes: OnnxNode[]; initializers: OnnxTensor[]; inputs: OnnxValue[]; outputs: OnnxValue[] };
  docString: string;
  metadata: Record<string, string>;
}

/** AttributeProto: name 1, f 2, i 3, s 4, ints 8, type 20 (FLOAT 1, INT 2, STRING 3, INTS 7). */
function attribute(name: string, value: AttributeValue): Uint8Array {
  const head = bytesField(1, name);
  if (typeof value === 'string') return concatBytes([head, bytesField(4, value), varintField(20, 3)]);
  if (Array.isArray(value)) return concatBytes([head, packedVarints(8, value), varintField(20, 7)]);
  if (typeof value === 'object') return concatBytes([head, floatField(2, value.float), varintField(20, 1)]);
  return concatBytes([head, varintField(3, value), varintField(20, 2)]);
}

/** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5. */
function node(n: OnnxNode): Uint8Array {
  return concatBytes([
    ...n.inputs.map((i) => bytesField(1, i)),
    ...n.outputs.map((o) => bytesField(2, o)),
    bytesField(3, n.name),
    bytesField(4, n.op),
    ...Object.entries(n.attributes ?? {}).map(([k, v]) => bytesField(5, attribute(k, v))),
  ]);
}

/** TensorProto: dims 1, data_type 2, name 8, raw_data 9 (little-endian, whatever the host's byte order). */
function tensor(t: OnnxTensor): Uint8Array {
  const isFloat = t.data instanceof Float32Array;
  const values = t.data instanceof Float32Array ? t.data : t.data.int64;
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new Error(`Tensor ${t.name}: ${values.length} values for dims [${t.dims.join(', ')}].`);
  const raw = new Uint8Array(values.length * (isFloat ? 4 : 8));
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => (isFloat ? view.setFloat32(i * 4, v, true) : view.setBigInt64(i * 8, BigInt(v), true)));
  return concatBytes([
    packedVarints(1, t.dims),
    varintField(2, isFloat ? ONNX_FLOAT : ONNX_INT64),
    bytesField(8, t.name),
    bytesField(9, raw),
  ]);
}

/** ValueInfoProto { name 1, type 2 } → TypeProto { tensor_type 1 } → { elem_type 1, shape 2 } → TensorShapeProto { dim 1 }. */
function valueInfo(v: OnnxValue): Uint8Array {
  const dims = v.shape.map((d) => bytesField(1, typeof d === 'number' ? varintField(1, d) : bytesField(2, d)));
  const tensorType = concatBytes([varintField(1, ONNX_FLOAT), bytesField(2, concatBytes(dims))]);
  return concatBytes([bytesField(1, v.name), bytesField(2, bytesField(1, tensorType))]);
}

/**
 * ModelProto: ir_version 1, opset_import 8 { domain 1, version 2 }, producer_name 2, producer_version 3, doc_string 6,
 * graph 7 { node 1, name 2, initializer 5, input 11, output 12 }, metadata_props 14 { key 1, value 2 }.
 */
export function writeOnnxModel(model: OnnxModel): Uint8Array {
  const g = model.graph;
  const graph = concatBytes([
    ...g.nodes.map((n) => bytesField(1, node(n))),
    bytesField(2, g.name),
    ...g.initializers.map((t) => bytesField(5, tensor(t))),
    ...g.inputs.map((v) => bytesField(11, valueInfo(v))),
    ...g.outputs.map((v) => bytesField(12, valueInfo(v))),
  ]);
  return concatBytes([
    varintField(1, ONNX_IR_VERSION),
    bytesField(2, model.producer.name),
    bytesField(3, model.producer.version),
    bytesField(6, model.docString),
    bytesField(7, graph),
    bytesField(8, concatBytes([bytesField(1, ''), varintField(2, model.opset)])),
    ...Object.entries(model.metadata).map(([k, v]) => bytesField(14, concatBytes([bytesField(1, k), bytesField(2, v)]))),
  ]);
}
