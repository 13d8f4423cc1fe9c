// Finds the installed npm packages the models are cut from and reads byte
// ranges out of them, failing loudly if a package is missing or its layout
// is not the one the build understands.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface InstalledPackage {
  name: string;
  version: string;
  licence: string;
  dir: string;
}

/** A byte range taken from a file of an installed package, as recorded in models/manifest.json. */
export interface SourceSlice {
  package: string;
  version: string;
  file: string;
  range: [number, number];
  licence: string;
  /** What the bytes are used for. */
  use: string;
  bytes: Uint8Array;
}

/** Reads `node_modules/<name>/package.json` under `root`. */
export function findPackage(root: string, name: string): InstalledPackage {
  const dir = join(root, 'node_modules', ...name.split('/'));
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) {
    throw new Error(`npm package ${name} is not installed (looked in ${dir}); run "npm install" (it is a devDependency).`);
  }
  const json = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string; license?: string };
  if (!json.version) throw new Error(`${manifest} has no version.`);
  return { name, version: json.version, licence: json.license ?? 'UNKNOWN', dir };
}

/** Slices `file` of `pkg` (whole file when `range` is omitted). */
export function slice(pkg: InstalledPackage, file: string, use: string, range?: [number, number]): SourceSlice {
  const path = join(pkg.dir, file);
  if (!existsSync(path)) throw new Error(`${pkg.name}@${pkg.version} has no ${file}; the package layout changed.`);
  const all = new Uint8Array(readFileSync(path));
  const [start, end] = range ?? [0, all.length];
  if (start < 0 || end > all.length || start >= end) {
    throw new Error(`${pkg.name}@${pkg.version} ${file} is ${all.length} bytes; range [${start}, ${end}) does not fit.`);
  }
  return { package: pkg.name, version: pkg.version, file, range: [start, end], licence: pkg.licence, use, bytes: all.subarray(start, end) };
}

/**
 * Parses the Emscripten file-packager loader that ships beside a packed
 * `.data` file: its metadata lists each packed file as
 * `{"filename": ..., "start": N, "end": N}` plus `remote_package_size`.
 */
export function readPackedRanges(loaderSource: string): { files: Map<string, [number, number]>; size: number } {
  const files = new Map<string, [number, number]>();
  const entry = /"filename":\s*"([^"]+)",\s*"start":\s*(\d+),\s*"end":\s*(\d+)/g;
  for (const m of loaderSource.matchAll(entry)) {
    const base = (m[1] as string).split('/').pop() as string;
    files.set(base, [Number(m[2]), Number(m[3])]);
  }
  const size = /"remote_package_size":\s*(\d+)/.exec(loaderSource);
  if (files.size === 0 || !size) throw new Error('Could not read the packed-asset table from the loader script; its format changed.');
  return { files, size: Number(size[1]) };
}

/** Takes one file out of a file-packager `.data` bundle using the ranges in its loader script. */
export function packedFile(pkg: InstalledPackage, loader: string, data: string, name: string, use: string): SourceSlice {
  const loaderPath = join(pkg.dir, loader);
  if (!existsSync(loaderPath)) throw new Error(`${pkg.name}@${pkg.version} has no ${loader}; the package layout changed.`);
  const table = readPackedRanges(readFileSync(loaderPath, 'utf8'));
  const range = table.files.get(name);
  if (!range)
    throw new Error(`${pkg.name}@${pkg.version} ${loader} does not list ${name} (it lists ${[...table.files.keys()].join(', ')}).`);
  const size = existsSync(join(pkg.dir, data)) ? statSync(join(pkg.dir, data)).size : 0;
  if (size !== table.size) {
    throw new Error(
      `${pkg.name}@${pkg.version} ${data} is ${size} bytes but ${loader} expects ${table.size}; the offsets no longer match.`,
    );
  }
  return slice(pkg, data, use, range);
}

/** Refuses bytes that are not a TFLite flatbuffer (identifier "TFL3" at byte 4), naming where they came from. */
export function assertTflite(s: SourceSlice): void {
  const id = new TextDecoder().decode(s.bytes.subarray(4, 8));
  if (id !== 'TFL3') {
    throw new Error(
      `${s.package}@${s.version} ${s.file} [${s.range.join(', ')}) is not a TFLite model (identifier "${id}"); offsets changed.`,
    );
  }
}
