// The face models and the MediaPipe runtime (its wasm and JavaScript
// loader, which see every camera frame) are checked against
// models/manifest.json (built into the core's code, so a swapped file on
// disk cannot bring its own hash) before anything serves them. The renderer
// then gets the verified bytes from memory, never the file itself: a file
// changed after the check is never seen. A tampered or missing file disables
// the face step (STEP_UNAVAILABLE, reason MODEL_TAMPERED or MODEL_MISSING)
// with a message that tells the technician what to do.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import manifestJson from '../../../models/manifest.json';

const manifestFileSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  /** A model the runtime loads, the runtime itself, or the picture it is warmed up with. */
  kind: z.enum(['model', 'runtime', 'picture']).default('model'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.int().positive(),
  licence: z.string(),
});

export const modelManifestSchema = z.object({
  /** What the renderer loads (served from memory once verified). */
  files: z.array(manifestFileSchema).min(1),
  /** What only the core loads (face matching in onnxruntime-node), never served. */
  coreFiles: z.array(manifestFileSchema).default([]),
});
export type ModelManifest = z.infer<typeof modelManifestSchema>;
export type FaceFileKind = ModelManifest['files'][number]['kind'];

/** How a technician's message names a file of the manifest. */
export function describeFaceFile(kind: FaceFileKind | undefined, name: string): string {
  if (kind === 'runtime') return `MediaPipe runtime file ${name}`;
  if (kind === 'picture') return `Warm-up picture ${name}`;
  return `Model ${name}`;
}

/** The manifest this build of the booth trusts. */
export const modelManifest: ModelManifest = modelManifestSchema.parse(manifestJson);

export { DETECTOR_FILE, LANDMARKER_FILE } from '../../shared/face/assets';

export interface ModelProblem {
  file: string;
  /** Absent means a model. */
  kind?: FaceFileKind;
  problem: 'missing' | 'tampered';
  /** For the technician: what was found and what to do. */
  message: string;
}

export type VerifiedModels = { ok: true; files: Map<string, Buffer> } | { ok: false; problems: ModelProblem[] };

/**
 * Reads every manifest file from `dir` and checks its size and sha256. With `keepBytes: false` (a process that only needs the
 * verdict) each file is hashed in 1 MiB chunks and nothing is kept, so the 28 MB never sit in that process's memory.
 */
export function verifyModels(dir: string, manifest: ModelManifest, options: { keepBytes?: boolean } = {}): VerifiedModels {
  return verifyEntries(dir, manifest.files, options.keepBytes ?? true);
}

/** The core's own models (manifest "coreFiles"), read whole and checked the same way; the bytes are what the core loads. */
export function verifyCoreModels(dir: string, manifest: ModelManifest): VerifiedModels {
  return verifyEntries(dir, manifest.coreFiles, true);
}

function verifyEntries(dir: string, entries: ModelManifest['files'], keepBytes: boolean): VerifiedModels {
  const files = new Map<string, Buffer>();
  const problems: ModelProblem[] = [];
  for (const entry of entries) {
    const what = describeFaceFile(entry.kind, entry.name);
    let read: { sha256: string; length: number; bytes?: Buffer };
    try {
      read = keepBytes ? readWhole(join(dir, entry.name)) : hashInChunks(join(dir, entry.name));
    } catch {
      problems.push({
        file: entry.name,
        kind: entry.kind,
        problem: 'missing',
        message: `${what} is missing from ${dir}. Run "npm run models" and rebuild, or reinstall the booth software.`,
      });
      continue;
    }
    const { sha256, length, bytes } = read;
    if (length !== entry.bytes || sha256 !== entry.sha256) {
      problems.push({
        file: entry.name,
        kind: entry.kind,
        problem: 'tampered',
        message: `${what} failed its integrity check (sha256 ${sha256.slice(0, 12)}…, ${length} bytes; expected ${entry.sha256.slice(0, 12)}…, ${entry.bytes} bytes). The face step is disabled: reinstall the booth software; do not copy model or runtime files by hand.`,
      });
      bytes?.fill(0);
      continue;
    }
    if (bytes) files.set(entry.name, bytes);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, files };
}

function readWhole(path: string): { sha256: string; length: number; bytes: Buffer } {
  const bytes = readFileSync(path);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), length: bytes.length, bytes };
}

function hashInChunks(path: string): { sha256: string; length: number } {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(1024 * 1024);
  const fd = openSync(path, 'r');
  let length = 0;
  try {
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) {
      hash.update(chunk.subarray(0, n));
      length += n;
    }
  } finally {
    closeSync(fd);
  }
  return { sha256: hash.digest('hex'), length };
}

/**
 * What a shell serves the renderer from `rendererDir`/models: the files that pass the manifest, read once and served from memory
 * (empty when any fails: the core refuses the face step then, and says why in its log).
 */
export function servableModelFiles(rendererDir: string): ReadonlyMap<string, Uint8Array> {
  const verified = verifyModels(join(rendererDir, 'models'), modelManifest);
  return verified.ok ? verified.files : new Map();
}
