// Turns the attention face-mesh model (mesh, lips, eyes, irises, face flag as
// separate outputs) into the two-output form MediaPipe Tasks expects:
// [landmarks [1,1,1,478*3], face flag]. The refinement the old face_mesh
// graph did on the CPU after inference becomes ops inside the model:
//
//   CONCATENATION(all landmark outputs)            -> C  [1,1,1,S]
//   FULLY_CONNECTED(C, W[K,S], 0)                  -> A  [1,K]      z averages
//   RESHAPE(A, [1,1,1,K])                          -> A' [1,1,1,K]
//   CONCATENATION(C, A')                           -> C' [1,1,1,S+K]
//   GATHER(C', indices[478*3], axis 3)             -> L  [1,1,1,1434]
//
// Each output coordinate is first worked out symbolically as a weighted sum
// of model values; plain copies become GATHER indices and the few averages
// (iris z) become rows of the small FULLY_CONNECTED matrix.
import type { Refinement } from './refinement.js';
import { BuiltinOp, BuiltinOptions, TensorType, type ModelEdit, type NewOperator, type TfliteModel } from './tflite.js';

/** A linear combination of concatenated model values: index -> weight. */
type Combo = Map<number, number>;

export interface LandmarkGraphEdit {
  edit: ModelEdit;
  landmarks: number;
  faceFlagOutput: number;
  /** Rows of the averaging matrix (0 when nothing is averaged). */
  averages: number;
}

/**
 * Builds the edit (tflite schema.fbs ops CONCATENATION, FULLY_CONNECTED,
 * RESHAPE, GATHER) that applies `refinements` inside the model, per
 * MediaPipe's LandmarksRefinementCalculator semantics: later refinements
 * overwrite x and y; z is copied, kept, or set to an average of current z.
 */
export function buildLandmarkGraphEdit(model: TfliteModel, refinements: Refinement[], landmarks: number): LandmarkGraphEdit {
  const outputs = model.outputs.map((i) => model.tensors[i]);
  const sources = [...new Set(refinements.map((r) => r.modelOutput))].sort((a, b) => a - b);
  const offsets = new Map<number, number>();
  let total = 0;
  for (const s of sources) {
    const t = outputs[s];
    if (!t || t.type !== TensorType.FLOAT32 || t.shape.length !== 4 || t.shape.slice(0, 3).some((d) => d !== 1)) {
      throw new Error(`Model output ${s} (${t?.name}) is not a float32 [1,1,1,N] tensor; the landmark model changed.`);
    }
    offsets.set(s, total);
    total += t.shape[3] as number;
  }
  const flags = model.outputs.filter((_, i) => !offsets.has(i));
  const faceFlag = flags[0];
  if (flags.length !== 1 || faceFlag === undefined || (model.tensors[faceFlag]?.shape ?? []).reduce((a, b) => a * b, 1) !== 1) {
    throw new Error(`Expected exactly one non-landmark output (the face flag, one value); found ${flags.length}.`);
  }

  const coords = simulate(refinements, outputs, offsets, landmarks);
  const rows: Combo[] = [];
  const rowKeys = new Map<string, number>();
  const gather = coords.map((c) => {
    const [[index, weight] = [0, 0], ...rest] = [...c];
    if (rest.length === 0 && weight === 1) return index;
    const key = JSON.stringify([...c].sort((a, b) => a[0] - b[0]));
    if (!rowKeys.has(key)) rowKeys.set(key, rows.push(c) - 1);
    return total + (rowKeys.get(key) as number);
  });

  const k = rows.length;
  const t0 = model.tensors.length;
  const b0 = model.bufferCount;
  const f32 = (values: number[]): Uint8Array => new Uint8Array(Float32Array.from(values).buffer);
  const i32 = (values: number[]): Uint8Array => new Uint8Array(Int32Array.from(values).buffer);
  const weights = new Array<number>(k * total).fill(0);
  rows.forEach((row, r) => row.forEach((w, i) => (weights[r * total + i] = w)));

  const tensors: ModelEdit['tensors'] = [];
  const buffers: Uint8Array[] = [];
  const tensor = (name: string, shape: number[], type: number, data?: Uint8Array): number => {
    if (data) buffers.push(data);
    tensors.push({ name, shape, type, buffer: data ? b0 + buffers.length - 1 : 0 });
    return t0 + tensors.length - 1;
  };
  const concatAxis = (axis: number): NewOperator['options'] => ({
    type: BuiltinOptions.ConcatenationOptions,
    fields: [{ id: 0, int32: axis }],
  });
  const operators: NewOperator[] = [];

  const concat = tensor('refine/concat', [1, 1, 1, total], TensorType.FLOAT32);
  operators.push({
    builtin: BuiltinOp.CONCATENATION,
    inputs: sources.map((s) => model.outputs[s] as number),
    outputs: [concat],
    options: concatAxis(3),
  });
  let gatherFrom = concat;
  if (k > 0) {
    const w = tensor('refine/average_weights', [k, total], TensorType.FLOAT32, f32(weights));
    const bias = tensor('refine/average_bias', [k], TensorType.FLOAT32, f32(new Array<number>(k).fill(0)));
    const avg = tensor('refine/average', [1, k], TensorType.FLOAT32);
    const shape = tensor('refine/average_shape', [4], TensorType.INT32, i32([1, 1, 1, k]));
    const avg4 = tensor('refine/average_4d', [1, 1, 1, k], TensorType.FLOAT32);
    gatherFrom = tensor('refine/concat_with_averages', [1, 1, 1, total + k], TensorType.FLOAT32);
    operators.push(
      {
        builtin: BuiltinOp.FULLY_CONNECTED,
        inputs: [concat, w, bias],
        outputs: [avg],
        options: { type: BuiltinOptions.FullyConnectedOptions, fields: [] },
      },
      {
        builtin: BuiltinOp.RESHAPE,
        inputs: [avg, shape],
        outputs: [avg4],
        options: { type: BuiltinOptions.ReshapeOptions, fields: [{ id: 0, int32s: [1, 1, 1, k] }] },
      },
      { builtin: BuiltinOp.CONCATENATION, inputs: [concat, avg4], outputs: [gatherFrom], options: concatAxis(3) },
    );
  }
  const indices = tensor('refine/gather_indices', [gather.length], TensorType.INT32, i32(gather));
  const result = tensor('landmarks', [1, 1, 1, gather.length], TensorType.FLOAT32);
  operators.push({
    builtin: BuiltinOp.GATHER,
    inputs: [gatherFrom, indices],
    outputs: [result],
    options: { type: BuiltinOptions.GatherOptions, fields: [{ id: 0, int32: 3 }] },
  });

  return { edit: { buffers, tensors, operators, outputs: [result, faceFlag] }, landmarks, faceFlagOutput: faceFlag, averages: k };
}

/** Runs the refinements on symbols: returns, per output value (landmark-major, x y z), its combination of inputs. */
function simulate(
  refinements: Refinement[],
  outputs: (TfliteModel['tensors'][number] | undefined)[],
  offsets: Map<number, number>,
  landmarks: number,
): Combo[] {
  const x: (Combo | undefined)[] = new Array(landmarks);
  const y: (Combo | undefined)[] = new Array(landmarks);
  const z: (Combo | undefined)[] = new Array(landmarks);
  for (const r of refinements) {
    const size = (outputs[r.modelOutput]?.shape[3] ?? 0) / r.landmarks;
    const base = offsets.get(r.modelOutput) as number;
    if (!Number.isInteger(size) || size < 2 || size > 3)
      throw new Error(`Refinement "${r.stream}" tensor does not hold 2 or 3 values per landmark.`);
    if (r.z.kind === 'copy' && size < 3) throw new Error(`Refinement "${r.stream}" copies z but its tensor has none.`);
    // Averages read z as it stands before this refinement writes anything.
    let average: Combo | undefined;
    if (r.z.kind === 'average') {
      average = new Map();
      for (const i of r.z.indexes) {
        for (const [src, w] of z[i] ?? []) average.set(src, (average.get(src) ?? 0) + w / r.z.indexes.length);
      }
    }
    r.indexes.forEach((target, i) => {
      const at = base + i * size;
      x[target] = new Map([[at, 1]]);
      y[target] = new Map([[at + 1, 1]]);
      if (r.z.kind === 'copy') z[target] = new Map([[at + 2, 1]]);
      else if (average) z[target] = new Map(average);
    });
  }
  const out: Combo[] = [];
  for (let i = 0; i < landmarks; i++) {
    const [cx, cy, cz] = [x[i], y[i], z[i]];
    if (!cx || !cy || !cz) throw new Error(`Landmark ${i} is not fully defined by the refinements.`);
    out.push(cx, cy, cz);
  }
  return out;
}
