// models/manifest.json: what each generated model file and each MediaPipe
// runtime file must hash to and where its bytes came from. Committed, so a changed package or build script
// shows up as a reviewable diff instead of a silent model swap.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuiltFile } from './build.js';
import { findPackage, type SourceSlice } from './sources.js';

/** A source as recorded: the slice without its bytes. */
export type ManifestSource = Omit<SourceSlice, 'bytes'>;

export interface ManifestFile {
  name: string;
  kind: 'model' | 'runtime' | 'picture';
  sha256: string;
  bytes: number;
  sources: ManifestSource[];
  licence: string;
  edits: string;
  /** Files inside the bundle, so a changed inner model can be pinned down. */
  entries: { name: string; sha256: string; bytes: number }[];
}

export interface Manifest {
  /** What the renderer loads: the build copies these into the app and the booth checks them at start-up. */
  files: ManifestFile[];
  /**
   * Models only the core loads (onnxruntime-node): never copied into the renderer. Absent in a manifest made before
   * there were any.
   */
  coreFiles?: ManifestFile[];
}

/** Every file the manifest lists, renderer files first. */
export function allManifestFiles(manifest: Manifest): ManifestFile[] {
  return [...manifest.files, ...(manifest.coreFiles ?? [])];
}

/** Hex SHA-256, the digest the manifest records. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads the manifest, or undefined if there is none yet. */
export function readManifest(path: string): Manifest | undefined {
  if (!existsSync(path)) return undefined;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<Manifest>;
  if (!Array.isArray(parsed.files)) throw new Error(`${path} has no "files" list.`);
  if (parsed.coreFiles !== undefined && !Array.isArray(parsed.coreFiles)) throw new Error(`${path}: "coreFiles" is not a list.`);
  return parsed as Manifest;
}

/** The manifest entry describing a freshly built file. */
export function manifestEntry(built: BuiltFile): ManifestFile {
  return {
    name: built.name,
    kind: built.kind,
    sha256: sha256(built.bytes),
    bytes: built.bytes.length,
    sources: built.sources.map((s) => ({
      package: s.package,
      version: s.version,
      file: s.file,
      range: s.range,
      licence: s.licence,
      use: s.use,
    })),
    licence: built.licence,
    edits: built.edits,
    entries: built.entries.map((e) => ({ name: e.name, sha256: sha256(e.bytes), bytes: e.bytes.length })),
  };
}

/** Stable JSON text for the manifest (2-space indent, trailing newline). */
export function formatManifest(manifest: Manifest): string {
  // Ranges on one line keep the file short and diffs readable.
  return JSON.stringify(manifest, null, 2).replace(/"range": \[\s+(\d+),\s+(\d+)\s+\]/g, '"range": [$1, $2]') + '\n';
}

/** Problems with the files in `dir` against `manifest`, one line each naming the file; empty when all match. */
export function checkFiles(dir: string, manifest: Manifest): string[] {
  const problems: string[] = [];
  for (const file of allManifestFiles(manifest)) {
    const path = join(dir, file.name);
    if (!existsSync(path)) {
      problems.push(`${file.name}: missing from ${dir} (run "npm run models").`);
      continue;
    }
    const bytes = new Uint8Array(readFileSync(path));
    const actual = sha256(bytes);
    if (actual !== file.sha256) {
      problems.push(
        `${file.name}: sha256 ${actual} (${bytes.length} bytes) differs from the manifest's ${file.sha256} (${file.bytes} bytes).`,
      );
    }
  }
  return problems;
}

/** Source packages whose installed version differs from the one the manifest was built from. */
export function changedSources(root: string, manifest: Manifest): string[] {
  const changed: string[] = [];
  for (const s of allManifestFiles(manifest).flatMap((f) => f.sources)) {
    let installed: string;
    try {
      installed = findPackage(root, s.package).version;
    } catch {
      installed = 'missing';
    }
    if (installed !== s.version) changed.push(`${s.package} ${s.version} -> ${installed}`);
  }
  return [...new Set(changed)];
}
