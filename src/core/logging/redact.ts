// PII never reaches a log line. Two layers: known field names are replaced
// whole, and every string is scrubbed of anything shaped like a NIK, an email
// address or a phone number, so a value that slips into a message or an
// error text is caught too.

export const REDACTED = '[redacted]';

/** Field names whose values are always dropped, wherever they appear. */
export const piiKeys = new Set(['nik', 'email', 'phone', 'params', 'name', 'address', 'birthDate', 'photo']);

const patterns: Array<[RegExp, string]> = [
  // Email-like: something@something.tld
  [/[^\s@"'<>()[\],;:]+@[^\s@"'<>()[\],;:]+\.[a-z]{2,}/gi, '[email]'],
  // 16-digit NIK, also with spaces or dashes between groups.
  [/\d(?:[\s-]?\d){15}/g, '[nik]'],
  // Phone-like: +62 / 62 / (0 / 0 followed by 8 and 7+ more digits, with the
  // separators people type (spaces, dashes, dots, brackets).
  [/(?:\+?62|\(?0)[\s.()-]*8(?:[\s.()-]*\d){7,11}/g, '[phone]'],
  // A bare national number: 8 and 8 to 11 more digits.
  [/(?<!\d)8\d{8,11}(?!\d)/g, '[phone]'],
];

/** Replaces PII-shaped text in a string. */
export function scrubText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement);
  return out;
}

/** Deep copy of a log object with PII fields dropped and strings scrubbed. */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6) return '[depth]';
  if (value instanceof Error) {
    return { type: value.name, message: scrubText(value.message), stack: value.stack ? scrubText(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => scrubValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = piiKeys.has(key) ? REDACTED : scrubValue(inner, depth + 1);
  return out;
}
