// Reads the parts of a TFLite model we need and writes an edited model by
// appending: new Model/SubGraph tables and vectors come first and point at
// the original file, which follows unchanged. FlatBuffer uoffsets only point
// forward, so every untouched table (weights, operators, options) stays valid
// without re-encoding fields we do not understand.
import { Builder } from 'flatbuffers';
import { FbTable, rootTable } from './flatbuffer.js';

// Field ids from tflite's schema.fbs (one id per field, two for a union).
const MODEL = { version: 0, operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4, metadataBuffer: 5, metadata: 6, signatureDefs: 7 };
const SUBGRAPH = { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 };
const TENSOR = { shape: 0, type: 1, buffer: 2, name: 3 };
const OPERATOR = { opcodeIndex: 0, inputs: 1, outputs: 2, builtinOptionsType: 3, builtinOptions: 4 };
const OPCODE = { deprecatedBuiltinCode: 0, customCode: 1, version: 2, builtinCode: 3 };
const METADATA = { name: 0, buffer: 1 };

/** tflite TensorType values (schema.fbs `enum TensorType`). */
export const TensorType = { FLOAT32: 0, INT32: 2 } as const;
/** tflite BuiltinOperator values (schema.fbs `enum BuiltinOperator`). */
export const BuiltinOp = { CONCATENATION: 2, FULLY_CONNECTED: 9, RESHAPE: 22, GATHER: 36 } as const;
/** tflite BuiltinOptions union tags (schema.fbs `union BuiltinOptions`, 1-based). */
export const BuiltinOptions = { FullyConnectedOptions: 8, ConcatenationOptions: 10, ReshapeOptions: 17, GatherOptions: 23 } as const;

export interface TfliteTensor {
  index: number;
  name: string;
  shape: number[];
  type: number;
  buffer: number;
}

export interface TfliteModel {
  bytes: Uint8Array;
  root: FbTable;
  opcodes: { builtin: number; version: number }[];
  tensors: TfliteTensor[];
  inputs: number[];
  outputs: number[];
  operatorCount: number;
  bufferCount: number;
  metadata: { name: string; buffer: number }[];
  subgraphCount: number;
}

/** Reads a .tflite model (schema.fbs `root_type Model`, identifier "TFL3"); only subgraph 0 is described. */
export function readTflite(bytes: Uint8Array): TfliteModel {
  const root = rootTable(bytes, 'TFL3');
  const subgraphs = root.tables(MODEL.subgraphs);
  const main = subgraphs[0];
  if (!main) throw new Error('TFLite model has no subgraph.');
  const opcodes = root.tables(MODEL.operatorCodes).map((t) => ({
    // builtin_code (int32) superseded the int8 deprecated_builtin_code; take the larger.
    builtin: Math.max(t.int32(OPCODE.builtinCode), t.int8(OPCODE.deprecatedBuiltinCode)),
    version: t.int32(OPCODE.version, 1),
  }));
  const tensors = main.tables(SUBGRAPH.tensors).map((t, index) => ({
    index,
    name: t.string(TENSOR.name) ?? '',
    shape: t.int32s(TENSOR.shape),
    type: t.int8(TENSOR.type),
    buffer: t.uint32(TENSOR.buffer),
  }));
  return {
    bytes,
    root,
    opcodes,
    tensors,
    inputs: main.int32s(SUBGRAPH.inputs),
    outputs: main.int32s(SUBGRAPH.outputs),
    operatorCount: main.tables(SUBGRAPH.operators).length,
    bufferCount: root.tables(MODEL.buffers).length,
    metadata: root.tables(MODEL.metadata).map((t) => ({ name: t.string(METADATA.name) ?? '', buffer: t.uint32(METADATA.buffer) })),
    subgraphCount: subgraphs.length,
  };
}

/** A scalar or int vector field of a small options table (e.g. ConcatenationOptions.axis). */
export type OptionField = { id: number; int32: number } | { id: number; int8: number } | { id: number; int32s: number[] };

export interface NewOperator {
  builtin: number;
  inputs: number[];
  outputs: number[];
  options?: { type: number; fields: OptionField[] };
}

export interface ModelEdit {
  /** Data for new buffers; they get indices bufferCount, bufferCount + 1, ... */
  buffers?: Uint8Array[];
  /** New tensors in subgraph 0; they get indices tensors.length, ... */
  tensors?: Omit<TfliteTensor, 'index'>[];
  /** Appended after the existing operators, so they run last. */
  operators?: NewOperator[];
  outputs?: number[];
  /** Metadata entries to add or replace by name (schema.fbs `table Metadata`); their data goes in buffers after `buffers`. */
  metadata?: { name: string; data: Uint8Array }[];
}

/**
 * Writes `model` with `edit` applied, keeping the original bytes intact at
 * the end of the new file (aligned to 16 so `force_align: 16` buffers stay
 * aligned). Signature defs are dropped when the outputs change, since they
 * name output tensors.
 */
export function writeEditedTflite(model: TfliteModel, edit: ModelEdit): Uint8Array {
  const { bytes, root } = model;
  checkKnownFields(root, 7, 'Model');
  const main = root.tables(MODEL.subgraphs)[0] as FbTable;
  checkKnownFields(main, 4, 'SubGraph');

  const paddedLen = Math.ceil(bytes.length / 16) * 16;
  const b = new Builder(paddedLen + (1 << 20));
  // The builder fills back to front: writing the original first puts it last.
  b.startVector(1, paddedLen, 16);
  for (let i = paddedLen - 1; i >= 0; i--) b.writeInt8(bytes[i] ?? 0);
  b.endVector();
  const old = (pos: number): number => paddedLen - pos;
  const oldRef = (t: FbTable, id: number): number => (t.has(id) ? old(t.ref(id)) : 0);

  const opcodeOffsets = root.tablePositions(MODEL.operatorCodes).map(old);
  // Reuse an existing OperatorCode for a builtin when there is one.
  const opcodeIndex = new Map<number, number>();
  model.opcodes.forEach((c, i) => {
    if (!opcodeIndex.has(c.builtin)) opcodeIndex.set(c.builtin, i);
  });
  for (const op of edit.operators ?? []) {
    if (opcodeIndex.has(op.builtin)) continue;
    b.startObject(4);
    b.addFieldInt8(OPCODE.deprecatedBuiltinCode, Math.min(op.builtin, 127), 0);
    b.addFieldInt32(OPCODE.version, 1, 1);
    b.addFieldInt32(OPCODE.builtinCode, op.builtin, 0);
    opcodeIndex.set(op.builtin, opcodeOffsets.length);
    opcodeOffsets.push(b.endObject());
  }

  const bufferOffsets = root.tablePositions(MODEL.buffers).map(old);
  const metadataBufferStart = bufferOffsets.length + (edit.buffers ?? []).length;
  for (const data of [...(edit.buffers ?? []), ...(edit.metadata ?? []).map((m) => m.data)]) {
    const vec = alignedBytes(b, data);
    b.startObject(1);
    b.addFieldOffset(0, vec, 0);
    bufferOffsets.push(b.endObject());
  }

  const tensorOffsets = main.tablePositions(SUBGRAPH.tensors).map(old);
  for (const t of edit.tensors ?? []) {
    const name = b.createString(t.name);
    const shape = intVector(b, t.shape);
    b.startObject(4);
    b.addFieldOffset(TENSOR.shape, shape, 0);
    b.addFieldInt8(TENSOR.type, t.type, 0);
    b.addFieldInt32(TENSOR.buffer, t.buffer, 0);
    b.addFieldOffset(TENSOR.name, name, 0);
    tensorOffsets.push(b.endObject());
  }

  const operatorOffsets = main.tablePositions(SUBGRAPH.operators).map(old);
  for (const op of edit.operators ?? []) {
    const options = op.options ? optionsTable(b, op.options.fields) : 0;
    const inputs = intVector(b, op.inputs);
    const outputs = intVector(b, op.outputs);
    b.startObject(5);
    b.addFieldInt32(OPERATOR.opcodeIndex, opcodeIndex.get(op.builtin) ?? 0, 0);
    b.addFieldOffset(OPERATOR.inputs, inputs, 0);
    b.addFieldOffset(OPERATOR.outputs, outputs, 0);
    if (op.options) {
      b.addFieldInt8(OPERATOR.builtinOptionsType, op.options.type, 0);
      b.addFieldOffset(OPERATOR.builtinOptions, options, 0);
    }
    operatorOffsets.push(b.endObject());
  }

  const replaced = new Set((edit.metadata ?? []).map((m) => m.name));
  const metadataOffsets = root
    .tables(MODEL.metadata)
    .filter((t) => !replaced.has(t.string(METADATA.name) ?? ''))
    .map((t) => old(t.pos));
  (edit.metadata ?? []).forEach((m, i) => {
    const name = b.createString(m.name);
    b.startObject(2);
    b.addFieldOffset(METADATA.name, name, 0);
    b.addFieldInt32(METADATA.buffer, metadataBufferStart + i, 0);
    metadataOffsets.push(b.endObject());
  });

  const subgraph = (() => {
    const tensors = offsetVector(b, tensorOffsets);
    const operators = offsetVector(b, operatorOffsets);
    const outputs = edit.outputs ? intVector(b, edit.outputs) : oldRef(main, SUBGRAPH.outputs);
    b.startObject(5);
    b.addFieldOffset(SUBGRAPH.tensors, tensors, 0);
    b.addFieldOffset(SUBGRAPH.inputs, oldRef(main, SUBGRAPH.inputs), 0);
    b.addFieldOffset(SUBGRAPH.outputs, outputs, 0);
    b.addFieldOffset(SUBGRAPH.operators, operators, 0);
    b.addFieldOffset(SUBGRAPH.name, oldRef(main, SUBGRAPH.name), 0);
    return b.endObject();
  })();

  const subgraphs = offsetVector(b, [subgraph, ...root.tablePositions(MODEL.subgraphs).slice(1).map(old)]);
  const operatorCodes = offsetVector(b, opcodeOffsets);
  const buffers = offsetVector(b, bufferOffsets);
  const metadata = offsetVector(b, metadataOffsets);
  b.startObject(8);
  b.addFieldInt32(MODEL.version, root.uint32(MODEL.version), 0);
  b.addFieldOffset(MODEL.operatorCodes, operatorCodes, 0);
  b.addFieldOffset(MODEL.subgraphs, subgraphs, 0);
  b.addFieldOffset(MODEL.description, oldRef(root, MODEL.description), 0);
  b.addFieldOffset(MODEL.buffers, buffers, 0);
  b.addFieldOffset(MODEL.metadataBuffer, oldRef(root, MODEL.metadataBuffer), 0);
  b.addFieldOffset(MODEL.metadata, metadata, 0);
  if (!edit.outputs) b.addFieldOffset(MODEL.signatureDefs, oldRef(root, MODEL.signatureDefs), 0);
  b.finish(b.endObject(), 'TFL3');
  return b.asUint8Array().slice();
}

/** Refuses tables carrying fields past `lastKnown`: we would silently drop them. */
function checkKnownFields(t: FbTable, lastKnown: number, what: string): void {
  for (let id = lastKnown + 1; id < lastKnown + 16; id++) {
    if (t.has(id)) throw new Error(`TFLite ${what} has field ${id}, which this writer does not copy; extend scripts/models/tflite.ts.`);
  }
}

function alignedBytes(b: Builder, data: Uint8Array): number {
  b.startVector(1, data.length, 16);
  for (let i = data.length - 1; i >= 0; i--) b.writeInt8(data[i] ?? 0);
  return b.endVector();
}

function intVector(b: Builder, values: number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i] ?? 0);
  return b.endVector();
}

function offsetVector(b: Builder, offsets: number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i] ?? 0);
  return b.endVector();
}

function optionsTable(b: Builder, fields: OptionField[]): number {
  const vectors = fields.map((f) => ('int32s' in f ? intVector(b, f.int32s) : 0));
  b.startObject(Math.max(0, ...fields.map((f) => f.id + 1)));
  fields.forEach((f, i) => {
    if ('int32s' in f) b.addFieldOffset(f.id, vectors[i] ?? 0, 0);
    else if ('int32' in f) b.addFieldInt32(f.id, f.int32, 0);
    else b.addFieldInt8(f.id, f.int8, 0);
  });
  return b.endObject();
}
