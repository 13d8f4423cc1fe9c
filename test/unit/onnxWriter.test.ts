// The protobuf encoders and the ONNX writer of scripts/models, read back with the project's own protobuf walker: field
// numbers and wire types as onnx.proto defines them, varints at their edges, and refusals instead of silent corruption.
import { describe, expect, it } from 'vitest';
import { writeOnnxModel, type OnnxModel } from '../../scripts/models/onnx';
import { bytesField, encodeVarint, fieldText, readFields, readVarint, repeatedInts, type PbField } from '../../scripts/models/protobuf';

const tiny: OnnxModel = {
  producer: { name: 'test', version: '1' },
  opset: 13,
  docString: 'doc',
  metadata: { source: 'unit test' },
  graph: {
    name: 'g',
    nodes: [{ op: 'Add', inputs: ['x', 'b'], outputs: ['y'], name: 'add', attributes: { axes: [2, 3], keepdims: 0 } }],
    initializers: [
      { name: 'b', dims: [2], data: new Float32Array([1.5, -2]) },
      { name: 'pads', dims: [2], data: { int64: [0, 300] } },
    ],
    inputs: [{ name: 'x', shape: ['N', 2] }],
    outputs: [{ name: 'y', shape: ['N', 2] }],
  },
};

const sub = (bytes: Uint8Array, f: PbField | undefined) => readFields(bytes, f?.start ?? 0, f?.end ?? 0);

describe('protobuf encoders', () => {
  it('writes varints that the walker reads back, up to 2^53 − 1, and refuses negative or fractional values', () => {
    for (const v of [0, 1, 127, 128, 300, 2 ** 31, Number.MAX_SAFE_INTEGER])
      expect(readVarint(encodeVarint(v), 0)).toEqual({ value: v, next: encodeVarint(v).length });
    expect([...encodeVarint(300)]).toEqual([0xac, 0x02]);
    expect(() => encodeVarint(-1)).toThrow(/Cannot encode -1/);
    expect(() => encodeVarint(1.5)).toThrow(/Cannot encode 1.5/);
  });

  it('nests length-delimited fields', () => {
    const bytes = bytesField(7, bytesField(2, 'hi'));
    const [outer] = readFields(bytes, 0, bytes.length);
    expect(outer).toMatchObject({ field: 7, wireType: 2 });
    expect(fieldText(bytes, sub(bytes, outer)[0]!)).toBe('hi');
  });
});

describe('writeOnnxModel', () => {
  const bytes = writeOnnxModel(tiny);
  const model = readFields(bytes, 0, bytes.length);
  const graph = sub(
    bytes,
    model.find((f) => f.field === 7),
  );

  it('writes IR version 7, the default-domain opset 13 and the producer', () => {
    expect(model.find((f) => f.field === 1)?.value).toBe(7);
    const opset = sub(
      bytes,
      model.find((f) => f.field === 8),
    );
    expect(
      fieldText(
        bytes,
        opset.find((f) => f.field === 1)!,
      ),
    ).toBe('');
    expect(opset.find((f) => f.field === 2)?.value).toBe(13);
    expect(
      fieldText(
        bytes,
        model.find((f) => f.field === 2)!,
      ),
    ).toBe('test');
  });

  it('writes the node with its attributes typed INTS and INT', () => {
    const node = sub(
      bytes,
      graph.find((f) => f.field === 1),
    );
    expect(node.filter((f) => f.field === 1).map((f) => fieldText(bytes, f))).toEqual(['x', 'b']);
    expect(
      fieldText(
        bytes,
        node.find((f) => f.field === 4)!,
      ),
    ).toBe('Add');
    const [axes, keepdims] = node.filter((f) => f.field === 5).map((f) => sub(bytes, f));
    expect(repeatedInts(bytes, axes!, 8)).toEqual([2, 3]);
    expect(axes!.find((f) => f.field === 20)?.value).toBe(7);
    expect(keepdims!.find((f) => f.field === 3)?.value).toBe(0);
    expect(keepdims!.find((f) => f.field === 20)?.value).toBe(2);
  });

  it('writes initializers as little-endian raw data: float32 and int64', () => {
    const [b, pads] = graph.filter((f) => f.field === 5).map((f) => sub(bytes, f));
    const raw = (t: PbField[]) => {
      const f = t.find((x) => x.field === 9)!;
      return new DataView(bytes.buffer, bytes.byteOffset + f.start!, f.end! - f.start!);
    };
    expect(b!.find((f) => f.field === 2)?.value).toBe(1);
    expect([raw(b!).getFloat32(0, true), raw(b!).getFloat32(4, true)]).toEqual([1.5, -2]);
    expect(pads!.find((f) => f.field === 2)?.value).toBe(7);
    expect(raw(pads!).getBigInt64(8, true)).toBe(300n);
  });

  it('refuses a tensor whose values do not fill its dims', () => {
    const bad = { ...tiny, graph: { ...tiny.graph, initializers: [{ name: 'b', dims: [3], data: new Float32Array(2) }] } };
    expect(() => writeOnnxModel(bad)).toThrow(/Tensor b: 2 values for dims \[3\]/);
  });

  it('gives the same bytes for the same model', () => {
    expect(Buffer.compare(Buffer.from(writeOnnxModel(tiny)), Buffer.from(bytes))).toBe(0);
  });
});
