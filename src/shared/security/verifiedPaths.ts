// Which renderer paths are served only from verified bytes in memory (the
// face models and the MediaPipe runtime, checked against the manifest at
// start-up), for both servers of the renderer: Electron's app:// protocol
// and the headless host.
//
// The check must see a path the way the disk will. On Windows (NTFS, FAT)
// "/Models/x", "/MODELS/x" and "/models./x" or "/models /x" (trailing dots
// and spaces are dropped) all open the file models/x. If only the exact
// "models/" prefix were routed to memory, those variants would fall through
// to the disk and serve a file nobody verified. So the folder name is
// compared the way Windows compares it, and anything that is still encoded
// after the one decoding both servers do, or that names an NTFS stream
// ("models::$DATA"), is refused outright.

/** The renderer folder whose files are served from memory only. */
export const VERIFIED_DIR = 'models';

export type RendererPathVerdict =
  /** Serve `file` from the verified bytes, or 404; never from disk. */
  | { kind: 'memory'; file: string }
  /** An ordinary renderer file: the disk may serve it. */
  | { kind: 'disk' }
  /** Neither: answer 404 without touching the disk. */
  | { kind: 'refused' };

/**
 * A path segment as a case-insensitive Windows file system resolves it:
 * case folded (upper-casing first, as NTFS's upcase table does, so "modelſ"
 * with a long s is "MODELS" too), trailing dots and spaces dropped.
 */
export function windowsCanonicalSegment(segment: string): string {
  return segment
    .toUpperCase()
    .toLowerCase()
    .replace(/[. ]+$/, '');
}

/**
 * Judges a renderer path that has been percent-decoded once and had its "."
 * and ".." segments resolved (both servers do this before looking at it).
 * `/` and `\` both count as separators, as they do on Windows.
 */
export function judgeRendererPath(decodedPath: string): RendererPathVerdict {
  if (decodedPath.includes('\0')) return { kind: 'refused' };
  const segments = decodedPath.split(/[\\/]+/).filter((segment) => segment.length > 0);
  // Left encoded after one decoding ("%4Dodels", "%2e%2e"): no file of ours is named like that.
  if (segments.some((segment) => /%[0-9a-f]{2}/i.test(segment))) return { kind: 'refused' };
  // A drive letter or an NTFS stream name ("models::$INDEX_ALLOCATION").
  if (segments.some((segment) => segment.includes(':'))) return { kind: 'refused' };
  const [first, ...rest] = segments;
  if (first !== undefined && windowsCanonicalSegment(first) === VERIFIED_DIR) return { kind: 'memory', file: rest.join('/') };
  // A models folder further down is not the verified one and holds nothing of
  // ours (vite writes assets/): refuse it rather than guess what it is.
  if (segments.some((segment) => windowsCanonicalSegment(segment) === VERIFIED_DIR)) return { kind: 'refused' };
  return { kind: 'disk' };
}

/**
 * Content type of a verified file. The runtime's loader must be served as
 * JavaScript and its wasm as application/wasm: with `nosniff`, Chromium
 * refuses a script sent as octet-stream, and compiles wasm while it streams
 * only when the type says wasm.
 */
export function verifiedContentType(file: string): string {
  if (/\.m?js$/i.test(file)) return 'text/javascript; charset=utf-8';
  if (/\.wasm$/i.test(file)) return 'application/wasm';
  if (/\.jpe?g$/i.test(file)) return 'image/jpeg';
  // A deployment's voice pack (src/core/speech), served beside the models.
  if (/\.ogg$/i.test(file)) return 'audio/ogg';
  if (/\.wav$/i.test(file)) return 'audio/wav';
  return 'application/octet-stream';
}
