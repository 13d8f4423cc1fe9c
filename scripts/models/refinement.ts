// Recovers how the attention face-mesh model's outputs combine into 478
// landmarks. The answer is not in the .tflite: it is in the MediaPipe graph
// `TensorsToFaceLandmarksWithAttention`, compiled into @mediapipe/face_mesh's
// wasm as a serialized CalculatorGraphConfig. We locate that graph, follow
// its streams from model output -> landmarks -> LandmarksRefinementCalculator,
// and read the index mappings, so no value is typed in by hand.
import { fieldText, readFields, readVarint, repeatedInts, type PbField } from './protobuf.js';

/** How a refinement sets z (LandmarksRefinementCalculatorOptions.ZRefinement). */
export type ZRefinement = { kind: 'none' } | { kind: 'copy' } | { kind: 'average'; indexes: number[] };

export interface Refinement {
  /** Landmark stream name in the graph, e.g. "lips_landmarks". */
  stream: string;
  /** Position of the feeding tensor in the model's output list. */
  modelOutput: number;
  /** Landmarks in that tensor (TensorsToLandmarksCalculatorOptions.num_landmarks). */
  landmarks: number;
  /** Output landmark index written by each input landmark. */
  indexes: number[];
  z: ZRefinement;
}

export interface RefinementGraph {
  refinements: Refinement[];
  /** Byte range in the wasm of the graph nodes read. */
  range: [number, number];
}

// CalculatorGraphConfig.Node field numbers (calculator.proto).
const NODE = { calculator: 2, inputStream: 3, outputStream: 4, options: 7 };
const SPLIT_ANCHOR = 'SplitTensorVectorCalculator';

interface Node {
  calculator: string;
  inputs: string[];
  outputs: string[];
  /** Fields of the single proto2 extension inside CalculatorOptions. */
  options: PbField[];
}

/**
 * Extracts the landmark refinement recipe from the face_mesh wasm
 * (MediaPipe calculator.proto Node; landmarks_refinement_calculator.proto;
 * split_vector_calculator.proto; tensors_to_landmarks_calculator.proto).
 */
export function extractRefinements(wasm: Uint8Array): RefinementGraph {
  const found: RefinementGraph[] = [];
  for (const at of occurrences(wasm, new TextEncoder().encode(`\x12${String.fromCharCode(SPLIT_ANCHOR.length)}${SPLIT_ANCHOR}`))) {
    const start = nodeStart(wasm, at);
    if (start < 0) continue;
    const { nodes, end } = readNodeRun(wasm, start);
    const graph = resolve(wasm, nodes);
    if (graph) found.push({ refinements: graph, range: [start, end] });
  }
  const first = found[0];
  if (!first) {
    throw new Error(
      'Could not find the TensorsToFaceLandmarksWithAttention graph (SplitTensorVectorCalculator -> LandmarksRefinementCalculator) in the face_mesh wasm; the package layout changed.',
    );
  }
  if (found.some((g) => JSON.stringify(g.refinements) !== JSON.stringify(first.refinements))) {
    throw new Error('The face_mesh wasm holds several different landmark refinement graphs; refusing to guess which one applies.');
  }
  return first;
}

function* occurrences(hay: Uint8Array, needle: Uint8Array): Generator<number> {
  const text = Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength);
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) yield i;
}

/** Start of the Node message whose `calculator` field begins at `fieldAt` (a 0x0a tag and a length ending exactly there). */
function nodeStart(bytes: Uint8Array, fieldAt: number): number {
  for (let k = 2; k <= 4; k++) {
    if (bytes[fieldAt - k] !== 0x0a) continue;
    const len = readVarint(bytes, fieldAt - k + 1);
    if (len.next === fieldAt) return fieldAt - k;
  }
  return -1;
}

/** Consecutive `node` fields (CalculatorGraphConfig field 1) from `start`, stopping at the first thing that is not one. */
function readNodeRun(bytes: Uint8Array, start: number): { nodes: Node[]; end: number } {
  const nodes: Node[] = [];
  let pos = start;
  while (bytes[pos] === 0x0a) {
    const len = readVarint(bytes, pos + 1);
    let fields: PbField[];
    try {
      fields = readFields(bytes, len.next, len.next + len.value);
    } catch {
      break;
    }
    const text = (id: number): string[] => fields.filter((f) => f.field === id && f.wireType === 2).map((f) => fieldText(bytes, f));
    const optionsField = fields.find((f) => f.field === NODE.options);
    const extension = optionsField
      ? readFields(bytes, optionsField.start ?? 0, optionsField.end ?? 0).find((f) => f.wireType === 2 && f.field >= 1000)
      : undefined;
    nodes.push({
      calculator: text(NODE.calculator)[0] ?? '',
      inputs: text(NODE.inputStream),
      outputs: text(NODE.outputStream),
      options: extension ? readFields(bytes, extension.start ?? 0, extension.end ?? 0) : [],
    });
    pos = len.next + len.value;
  }
  return { nodes, end: pos };
}

/** Follows streams refinement input -> TensorsToLandmarks -> split output -> model output index. */
function resolve(bytes: Uint8Array, nodes: Node[]): Refinement[] | undefined {
  const split = nodes.find((n) => n.calculator === SPLIT_ANCHOR);
  const refiner = nodes.find((n) => n.calculator === 'LandmarksRefinementCalculator');
  if (!split || !refiner) return undefined;
  // SplitVectorCalculatorOptions: repeated Range ranges = 1 { begin = 1; end = 2 }.
  const ranges = split.options
    .filter((f) => f.field === 1)
    .map((f) => readFields(bytes, f.start ?? 0, f.end ?? 0))
    .map((r) => ({ begin: r.find((x) => x.field === 1)?.value ?? 0, end: r.find((x) => x.field === 2)?.value ?? 0 }));
  const landmarkSources = new Map<string, { tensor: string; landmarks: number }>();
  for (const n of nodes.filter((n) => n.calculator === 'TensorsToLandmarksCalculator')) {
    const tensor = n.inputs.find((s) => s.startsWith('TENSORS:'))?.slice(8);
    const out = n.outputs.find((s) => s.startsWith('NORM_LANDMARKS:'))?.slice(15);
    // TensorsToLandmarksCalculatorOptions.num_landmarks = 1.
    const landmarks = n.options.find((f) => f.field === 1)?.value;
    if (tensor && out && landmarks) landmarkSources.set(out, { tensor, landmarks });
  }
  // LandmarksRefinementCalculatorOptions: repeated Refinement refinement = 1.
  const specs = refiner.options.filter((f) => f.field === 1).map((f) => readFields(bytes, f.start ?? 0, f.end ?? 0));
  const inputs = refiner.inputs
    .map((s) => /^LANDMARKS:(\d+):(.+)$/.exec(s))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((m) => m[2] as string);
  if (inputs.length !== specs.length) {
    throw new Error(`LandmarksRefinementCalculator has ${inputs.length} LANDMARKS inputs but ${specs.length} refinements.`);
  }
  return specs.map((spec, k) => {
    const stream = inputs[k] as string;
    const source = landmarkSources.get(stream);
    const splitIndex = source ? split.outputs.indexOf(source.tensor) : -1;
    const range = ranges[splitIndex];
    if (!source || !range || range.end - range.begin !== 1) {
      throw new Error(`Cannot trace refinement input "${stream}" back to a single model output tensor.`);
    }
    return {
      stream,
      modelOutput: range.begin,
      landmarks: source.landmarks,
      indexes: repeatedInts(bytes, spec, 1),
      z: zRefinement(bytes, spec),
    };
  });
}

/** Refinement.z_refinement = 2: ZRefinement { none = 1; copy = 2; assign_average = 3 { repeated int32 indexes_for_average = 1 } }. */
function zRefinement(bytes: Uint8Array, spec: PbField[]): ZRefinement {
  const z = spec.find((f) => f.field === 2);
  const kinds = z ? readFields(bytes, z.start ?? 0, z.end ?? 0) : [];
  const kind = kinds[0];
  if (kinds.length !== 1 || !kind) throw new Error('A landmark refinement has no single z refinement.');
  if (kind.field === 1) return { kind: 'none' };
  if (kind.field === 2) return { kind: 'copy' };
  if (kind.field === 3) return { kind: 'average', indexes: repeatedInts(bytes, readFields(bytes, kind.start ?? 0, kind.end ?? 0), 1) };
  throw new Error(`Unknown z refinement kind ${kind.field}.`);
}

/**
 * Checks the recipe makes sense before anything is built from it: counts
 * match the graph, indices are in range and unique, every output landmark
 * gets x, y and z, and z averages only read landmarks that exist.
 */
export function validateRefinements(refinements: Refinement[], expectedTotal: number): void {
  const seen = new Set<number>();
  let hasZ = new Set<number>();
  for (const r of refinements) {
    const label = `refinement "${r.stream}"`;
    if (r.indexes.length !== r.landmarks) throw new Error(`${label} maps ${r.indexes.length} landmarks but its tensor has ${r.landmarks}.`);
    if (new Set(r.indexes).size !== r.indexes.length) throw new Error(`${label} maps two landmarks to the same output.`);
    const bad = r.indexes.find((i) => i < 0 || i >= expectedTotal);
    if (bad !== undefined) throw new Error(`${label} writes landmark ${bad}, outside 0..${expectedTotal - 1}.`);
    if (r.z.kind === 'average') {
      const missing = r.z.indexes.find((i) => !hasZ.has(i));
      if (r.z.indexes.length === 0 || missing !== undefined)
        throw new Error(`${label} averages z over landmark ${missing} which has no z yet.`);
    }
    r.indexes.forEach((i) => seen.add(i));
    if (r.z.kind !== 'none') hasZ = new Set([...hasZ, ...r.indexes]);
  }
  if (seen.size !== expectedTotal || hasZ.size !== expectedTotal) {
    throw new Error(`Refinements cover ${seen.size} landmarks (${hasZ.size} with z); expected ${expectedTotal}.`);
  }
}
