// PII never reaches a log line. No log call is meant to carry any; this is
// defence in depth against the careless one. Three layers:
//  - known field names (piiKeys.ts) are replaced whole, at any depth, in any
//    spelling, and also when they appear as `key: value` inside text;
//  - bytes (Buffers, typed arrays, Buffer.toJSON() shapes, byte maps such as
//    {"0":12,"1":34,…}, long arrays of byte values) become a length only;
//  - every string, object key and 16-digit number is scrubbed of anything
//    shaped like a NIK (with any separators), an email address or a phone
//    number, and of long base64 runs (a photo as text).
import { isPiiKey, piiKeyInText } from './piiKeys';

export { isPiiKey } from './piiKeys';

export const REDACTED = '[redacted]';
const MAX_DEPTH = 8;
const MAX_ITEMS = 50;
/** A plain array of fewer byte values than this reads as data (a pair of counts), not as bytes. */
const MIN_BYTE_ARRAY = 4;

const patterns: Array<[RegExp, string]> = [
  // `name=…`, `"placeOfBirth":"…"`: the value of a PII key written into text.
  [piiKeyInText, `$1${REDACTED}`],
  // A data: URL or a long base64 run: a photo or a frame as text.
  [/data:[a-z]+\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=]*/gi, '[data-url]'],
  [/[A-Za-z0-9+/]{120,}={0,2}/g, '[base64]'],
  // Email-like: something@something.tld (no slash on either side, so a
  // stack frame's node_modules/@scope/pkg/x.js path stays readable).
  [/[^\s@"'<>()[\],;:/]+@[^\s@"'<>()[\],;:/]+\.[a-z]{2,}/gi, '[email]'],
  // 16-digit NIK, also grouped with spaces, dots, slashes, dashes or
  // underscores ("3174 0542 0890 0001", "3174.0542.0890.0001", "3174/…").
  [/\d(?:[\s./\\_-]{0,3}\d){15}/g, '[nik]'],
  // Phone-like: +62 / 62 / (0 / 0 followed by 8 and 7+ more digits, with the
  // separators people type (spaces, dashes, dots, brackets).
  [/(?:\+?62|\(?0)[\s.()/-]*8(?:[\s.()/-]*\d){7,11}/g, '[phone]'],
  // A bare national number: 8 and 8 to 11 more digits.
  [/(?<!\d)8\d{8,11}(?!\d)/g, '[phone]'],
];

/** Replaces PII-shaped text in a string. */
export function scrubText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement);
  return out;
}

/** Deep copy of a log value with PII fields dropped, bytes reduced to a length, and strings scrubbed. */
export function scrubValue(value: unknown): unknown {
  return scrub(value, 0, new WeakSet());
}

/**
 * A whole value that is a UUID (the vault's record ids): its random hex can hold 16 digits in a row, which is no NIK, and the
 * technician must find the same id in the log and in the vault.
 */
const WHOLE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function scrub(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return WHOLE_UUID.test(value) ? value : scrubText(value);
  if (typeof value === 'number') return looksLikeNik(value) ? '[nik]' : value;
  if (typeof value === 'bigint') return scrubText(value.toString());
  if (value === null || typeof value !== 'object')
    return typeof value === 'function' || typeof value === 'symbol' ? String(typeof value) : value;
  const bytes = byteCount(value);
  if (bytes !== undefined) return `[${bytes} bytes]`;
  if (depth >= MAX_DEPTH) return '[depth]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) return scrubError(value, depth, seen);
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((item) => scrub(item, depth + 1, seen));
  if (value instanceof Map)
    return scrubEntries(
      [...value.entries()].map(([k, v]) => [String(k), v] as const),
      depth,
      seen,
    );
  if (value instanceof Set) return [...value].slice(0, MAX_ITEMS).map((item) => scrub(item, depth + 1, seen));
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  return scrubEntries(Object.entries(value), depth, seen);
}

function scrubEntries(entries: ReadonlyArray<readonly [string, unknown]>, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, inner] of entries) out[scrubText(key)] = isPiiKey(key) ? REDACTED : scrub(inner, depth + 1, seen);
  return out;
}

function scrubError(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = { type: error.name, message: scrubText(error.message) };
  if (error.stack) out['stack'] = scrubText(error.stack);
  // Own fields such as `code` or `reason` help the technician; they are scrubbed like any object.
  Object.assign(out, scrubEntries(Object.entries(error), depth, seen));
  if (error.cause !== undefined) out['cause'] = scrub(error.cause, depth + 1, seen);
  return out;
}

/** A NIK typed as a number: 16 digits fit exactly in a double. */
function looksLikeNik(value: number): boolean {
  return Number.isInteger(value) && Math.abs(value) >= 1e15 && Math.abs(value) < 1e16;
}

/** How many bytes `value` holds when it is bytes in any of the shapes they get logged in; undefined otherwise. */
function byteCount(value: object): number | undefined {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer))
    return value.byteLength;
  // Buffer.toJSON(): { type: 'Buffer', data: [...] }
  const record = value as Record<string, unknown>;
  if (record['type'] === 'Buffer' && Array.isArray(record['data'])) return record['data'].length;
  if (Array.isArray(value)) return value.length >= MIN_BYTE_ARRAY && value.every(isByte) ? value.length : undefined;
  // A typed array spread into an object: { "0": 12, "1": 34, … }. Nothing
  // else logs an object keyed 0..n-1, so even a short one (a chip UID) counts.
  const keys = Object.keys(value);
  if (keys.length === 0) return undefined;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== String(i) || !isByte(record[keys[i] as string])) return undefined;
  }
  return keys.length;
}

function isByte(item: unknown): boolean {
  return typeof item === 'number' && Number.isInteger(item) && item >= 0 && item <= 255;
}
