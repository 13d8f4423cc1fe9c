// Just enough of a FlatBuffers reader to walk TFLite models without a
// generated schema (neither npm nor Debian ships tflite's schema.fbs).
// Positions are absolute byte offsets into the buffer.

/** A table in a FlatBuffer: its absolute position and the buffer it lives in. */
export class FbTable {
  constructor(
    readonly view: DataView,
    readonly pos: number,
  ) {}

  /**
   * Absolute position of field `id`'s value, or 0 when absent
   * (FlatBuffers internals, "Tables": the vtable sits at pos - soffset and
   * holds a uint16 per field after its two uint16 size words).
   */
  fieldPos(id: number): number {
    const vtable = this.pos - this.view.getInt32(this.pos, true);
    const vtableSize = this.view.getUint16(vtable, true);
    const slot = 4 + 2 * id;
    if (slot >= vtableSize) return 0;
    const rel = this.view.getUint16(vtable + slot, true);
    return rel === 0 ? 0 : this.pos + rel;
  }

  has(id: number): boolean {
    return this.fieldPos(id) !== 0;
  }

  uint8(id: number, dflt = 0): number {
    const p = this.fieldPos(id);
    return p ? this.view.getUint8(p) : dflt;
  }

  int8(id: number, dflt = 0): number {
    const p = this.fieldPos(id);
    return p ? this.view.getInt8(p) : dflt;
  }

  int32(id: number, dflt = 0): number {
    const p = this.fieldPos(id);
    return p ? this.view.getInt32(p, true) : dflt;
  }

  uint32(id: number, dflt = 0): number {
    const p = this.fieldPos(id);
    return p ? this.view.getUint32(p, true) : dflt;
  }

  /** Absolute position an offset field points to (uoffsets are relative to where they are stored), or 0. */
  ref(id: number): number {
    const p = this.fieldPos(id);
    return p ? p + this.view.getUint32(p, true) : 0;
  }

  table(id: number): FbTable | undefined {
    const p = this.ref(id);
    return p ? new FbTable(this.view, p) : undefined;
  }

  string(id: number): string | undefined {
    const p = this.ref(id);
    return p ? readString(this.view, p) : undefined;
  }

  /** A vector field: its element count and the absolute position of element 0. */
  vector(id: number): { length: number; start: number } | undefined {
    const p = this.ref(id);
    return p ? { length: this.view.getUint32(p, true), start: p + 4 } : undefined;
  }

  /** Tables referenced by a vector of offsets. */
  tables(id: number): FbTable[] {
    const v = this.vector(id);
    if (!v) return [];
    const out: FbTable[] = [];
    for (let i = 0; i < v.length; i++) {
      const at = v.start + 4 * i;
      out.push(new FbTable(this.view, at + this.view.getUint32(at, true)));
    }
    return out;
  }

  /** Positions of the tables in a vector of offsets, without wrapping them. */
  tablePositions(id: number): number[] {
    return this.tables(id).map((t) => t.pos);
  }

  int32s(id: number): number[] {
    const v = this.vector(id);
    if (!v) return [];
    return Array.from({ length: v.length }, (_, i) => this.view.getInt32(v.start + 4 * i, true));
  }

  /** A [ubyte] vector as a view onto the same memory (no copy). */
  bytes(id: number): Uint8Array | undefined {
    const v = this.vector(id);
    return v ? new Uint8Array(this.view.buffer, this.view.byteOffset + v.start, v.length) : undefined;
  }
}

/** Reads a length-prefixed UTF-8 string at absolute position `p`. */
export function readString(view: DataView, p: number): string {
  const length = view.getUint32(p, true);
  return new TextDecoder().decode(new Uint8Array(view.buffer, view.byteOffset + p + 4, length));
}

/**
 * Root table of a FlatBuffer, checking its 4-byte file identifier
 * (FlatBuffers internals, "Encoding": root uoffset at 0, identifier at 4).
 */
export function rootTable(bytes: Uint8Array, identifier: string): FbTable {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = new TextDecoder().decode(bytes.subarray(4, 8));
  if (found !== identifier) {
    throw new Error(`Expected a FlatBuffer with file identifier "${identifier}" but found "${found}".`);
  }
  return new FbTable(view, view.getUint32(0, true));
}
