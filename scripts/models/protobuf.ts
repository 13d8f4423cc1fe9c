// A protobuf wire-format walker: enough to read a serialized MediaPipe
// CalculatorGraphConfig found inside a wasm binary, where no .proto schema
// is at hand and fields are known only by number.

export interface PbField {
  field: number;
  wireType: number;
  /** Varint value (wire type 0) or fixed value (1, 5). */
  value?: number;
  /** Absolute start/end of a length-delimited payload (wire type 2). */
  start?: number;
  end?: number;
}

/**
 * Reads a base-128 varint at `pos` (protobuf encoding guide, "Base 128
 * Varints"). Values above 2^53 lose precision, which is fine for field
 * numbers, lengths and landmark indices.
 */
export function readVarint(bytes: Uint8Array, pos: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = pos; i < bytes.length && i < pos + 10; i++) {
    const byte = bytes[i] as number;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return { value, next: i + 1 };
  }
  throw new Error(`Truncated varint at byte ${pos}.`);
}

/**
 * Splits bytes [start, end) into fields (protobuf encoding guide,
 * "Message Structure"); throws if the bytes are not a well-formed message,
 * which is how callers tell a real message from look-alike bytes.
 */
export function readFields(bytes: Uint8Array, start: number, end: number): PbField[] {
  const fields: PbField[] = [];
  let pos = start;
  while (pos < end) {
    const tag = readVarint(bytes, pos);
    const field = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    pos = tag.next;
    if (field === 0) throw new Error(`Field number 0 at byte ${pos}.`);
    if (wireType === 0) {
      const v = readVarint(bytes, pos);
      fields.push({ field, wireType, value: v.value });
      pos = v.next;
    } else if (wireType === 2) {
      const len = readVarint(bytes, pos);
      fields.push({ field, wireType, start: len.next, end: len.next + len.value });
      pos = len.next + len.value;
    } else if (wireType === 5) {
      fields.push({ field, wireType, value: new DataView(bytes.buffer, bytes.byteOffset + pos, 4).getUint32(0, true) });
      pos += 4;
    } else if (wireType === 1) {
      pos += 8;
      fields.push({ field, wireType });
    } else {
      throw new Error(`Unsupported wire type ${wireType} at byte ${pos}.`);
    }
  }
  if (pos !== end) throw new Error(`Message overruns its end by ${pos - end} bytes.`);
  return fields;
}

/** The payload of a length-delimited field as UTF-8 text. */
export function fieldText(bytes: Uint8Array, f: PbField): string {
  return new TextDecoder().decode(bytes.subarray(f.start ?? 0, f.end ?? 0));
}

/** Values of a repeated int32 field, accepting both packed and unpacked encodings. */
export function repeatedInts(bytes: Uint8Array, fields: PbField[], field: number): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wireType === 0) out.push(f.value ?? 0);
    else if (f.wireType === 2) {
      for (let p = f.start ?? 0; p < (f.end ?? 0);) {
        const v = readVarint(bytes, p);
        out.push(v.value);
        p = v.next;
      }
    }
  }
  return out;
}

// Writing: the few encoders the ONNX writer (onnx.ts) needs. Messages are
// built as byte arrays and nested as length-delimited fields, so the output
// depends only on the order fields are written in: deterministic bytes.

/** A base-128 varint of a non-negative integer (negative int64 values are not needed and are refused). */
export function encodeVarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`Cannot encode ${value} as a varint.`);
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** Joins encoded fields into one message body (a Buffer, which is a Uint8Array). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

/** A varint field (int32, int64, enum; wire type 0). */
export function varintField(field: number, value: number): Uint8Array {
  return concatBytes([encodeVarint(field * 8), encodeVarint(value)]);
}

/** A length-delimited field (bytes, string, nested message, packed repeated; wire type 2). */
export function bytesField(field: number, payload: Uint8Array | string): Uint8Array {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  return concatBytes([encodeVarint(field * 8 + 2), encodeVarint(bytes.length), bytes]);
}

/** A float field (wire type 5, little-endian IEEE 754 single). */
export function floatField(field: number, value: number): Uint8Array {
  const body = new Uint8Array(4);
  new DataView(body.buffer).setFloat32(0, value, true);
  return concatBytes([encodeVarint(field * 8 + 5), body]);
}

/** A packed repeated int64 field (proto3's default encoding for repeated scalars). */
export function packedVarints(field: number, values: readonly number[]): Uint8Array {
  return bytesField(field, concatBytes(values.map(encodeVarint)));
}
