// How a call that carries bytes (the face capture's JPEGs) travels: one
// binary frame, so pictures are never inflated into base64 or JSON arrays.
// Calls without bytes stay plain JSON text. Both transports (the host's
// WebSocket and Electron IPC) send exactly these frames.
//
// Layout (all integers big-endian):
//   "BKB1"             4 bytes, magic and version
//   headerLength       u32
//   header             UTF-8 JSON: the call envelope, each byte string
//                      replaced by { "$bytes": i }, plus "attachments":
//                      [length of attachment 0, length of 1, ...]
//   attachment 0 … n   the raw bytes, in order, nothing in between
//
// Example: face.submitCapture with two JPEGs of 41 000 and 180 000 bytes is
// 8 + ~2 KB of header + 221 000 bytes.
import { MAX_CALL_BYTES, type CallEnvelope } from './envelope';

/** A call with attachments may be this large in all. */
export const MAX_BINARY_CALL_BYTES = 4 * 1024 * 1024;
/**
 * Its JSON header may be larger than a text call: a face capture's liveness
 * trace is one entry per camera frame (30 s at 30 fps ≈ 80 KB).
 */
export const MAX_BINARY_HEADER_BYTES = 1024 * 1024;
const MAX_ATTACHMENTS = 16;
const MAX_DEPTH = 16;
const MAGIC = [0x42, 0x4b, 0x42, 0x31];

export type CallFrame = string | Uint8Array;

/** JSON text when the call carries no bytes, else one binary frame. */
export function encodeCallFrame(envelope: CallEnvelope): CallFrame {
  const attachments: Uint8Array[] = [];
  const walk = { tooDeep: false };
  const params = replaceBytes(envelope.params, attachments, 0, walk);
  if (attachments.length === 0) return JSON.stringify(envelope);
  // The decoder refuses a binary call nested deeper than this: fail here, not on the other side.
  if (walk.tooDeep) throw new Error(`A call with bytes cannot be nested deeper than ${MAX_DEPTH} levels.`);
  const header = new TextEncoder().encode(JSON.stringify({ ...envelope, params, attachments: attachments.map((a) => a.byteLength) }));
  const total = 8 + header.byteLength + attachments.reduce((sum, a) => sum + a.byteLength, 0);
  const frame = new Uint8Array(total);
  frame.set(MAGIC, 0);
  new DataView(frame.buffer).setUint32(4, header.byteLength);
  frame.set(header, 8);
  let at = 8 + header.byteLength;
  for (const attachment of attachments) {
    frame.set(attachment, at);
    at += attachment.byteLength;
  }
  return frame;
}

export type DecodedFrame = { ok: true; envelope: unknown } | { ok: false; tooLarge: boolean; message: string };

/** Decodes a frame from either transport; never throws. */
export function decodeCallFrame(frame: CallFrame): DecodedFrame {
  if (typeof frame === 'string') {
    const size = new TextEncoder().encode(frame).byteLength;
    if (size > MAX_CALL_BYTES) return refuse(true, `A call may be at most ${MAX_CALL_BYTES} bytes; this one was ${size}.`);
    return parse(frame);
  }
  if (frame.byteLength > MAX_BINARY_CALL_BYTES)
    return refuse(true, `A call with attachments may be at most ${MAX_BINARY_CALL_BYTES} bytes; this one was ${frame.byteLength}.`);
  if (frame.byteLength < 8 || MAGIC.some((byte, i) => frame[i] !== byte)) return refuse(false, 'A binary call must start with "BKB1".');
  const headerLength = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(4);
  if (headerLength > MAX_BINARY_HEADER_BYTES)
    return refuse(true, `The JSON part of a call may be at most ${MAX_BINARY_HEADER_BYTES} bytes; this one was ${headerLength}.`);
  if (8 + headerLength > frame.byteLength) return refuse(false, 'The binary call is shorter than its header says.');
  let headerText: string;
  try {
    headerText = new TextDecoder('utf-8', { fatal: true }).decode(frame.subarray(8, 8 + headerLength));
  } catch {
    return refuse(false, 'The header of the binary call is not UTF-8.');
  }
  const header = parse(headerText);
  if (!header.ok) return header;
  if (typeof header.envelope !== 'object' || header.envelope === null || Array.isArray(header.envelope))
    return refuse(false, 'The header of a binary call must be a JSON object.');
  const raw = header.envelope as { attachments?: unknown; params?: unknown };
  const lengths = raw.attachments;
  if (
    !Array.isArray(lengths) ||
    lengths.length === 0 ||
    lengths.length > MAX_ATTACHMENTS ||
    !lengths.every((n) => Number.isSafeInteger(n) && n >= 0)
  ) {
    return refuse(false, `A binary call lists 1 to ${MAX_ATTACHMENTS} attachment lengths.`);
  }
  const sum = (lengths as number[]).reduce((a, b) => a + b, 0);
  if (8 + headerLength + sum !== frame.byteLength) return refuse(false, 'The attachments do not add up to the frame length.');
  const pieces: Uint8Array[] = [];
  let at = 8 + headerLength;
  for (const length of lengths as number[]) {
    pieces.push(frame.slice(at, at + length)); // a copy: the handler may keep or wipe it
    at += length;
  }
  const used = new Set<number>();
  const params = reviveBytes(raw.params, pieces, used, 0);
  if (params === INVALID || used.size !== pieces.length)
    return refuse(false, 'Every attachment must be referenced exactly once by a { "$bytes": i } placeholder.');
  const { attachments: _ignored, ...envelope } = raw;
  return { ok: true, envelope: { ...envelope, params } };
}

const INVALID = Symbol('invalid');

function replaceBytes(value: unknown, out: Uint8Array[], depth: number, walk: { tooDeep: boolean }): unknown {
  if (value instanceof Uint8Array) {
    out.push(value);
    return { $bytes: out.length - 1 };
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) {
    walk.tooDeep = true;
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => replaceBytes(item, out, depth + 1, walk));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceBytes(item, out, depth + 1, walk)]));
}

function reviveBytes(value: unknown, pieces: Uint8Array[], used: Set<number>, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return INVALID;
  if (Array.isArray(value)) {
    const items = value.map((item) => reviveBytes(item, pieces, used, depth + 1));
    return items.includes(INVALID) ? INVALID : items;
  }
  const keys = Object.keys(value);
  if (keys.includes('$bytes')) {
    const index = (value as { $bytes: unknown }).$bytes;
    if (
      keys.length !== 1 ||
      typeof index !== 'number' ||
      !Number.isInteger(index) ||
      index < 0 ||
      index >= pieces.length ||
      used.has(index)
    )
      return INVALID;
    used.add(index);
    return pieces[index]!;
  }
  const entries = keys.map((key) => [key, reviveBytes((value as Record<string, unknown>)[key], pieces, used, depth + 1)] as const);
  return entries.some(([, item]) => item === INVALID) ? INVALID : Object.fromEntries(entries);
}

function parse(text: string): DecodedFrame {
  try {
    return { ok: true, envelope: JSON.parse(text) as unknown };
  } catch {
    return refuse(false, 'A call must be JSON.');
  }
}

function refuse(tooLarge: boolean, message: string): DecodedFrame {
  return { ok: false, tooLarge, message };
}
