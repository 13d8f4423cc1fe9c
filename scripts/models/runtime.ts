// The MediaPipe Tasks runtime the renderer runs the models with: the
// tasks-vision wasm and the JavaScript loader that instantiates it. It is
// code that sees every camera frame, so it is held to the same rule as the
// models: copied byte for byte into models/, recorded in models/manifest.json,
// checked at start-up and served only from the verified bytes in memory.
import type { BuiltFile } from './build.js';
import { findPackage, slice } from './sources.js';

export const RUNTIME_PACKAGE = '@mediapipe/tasks-vision';

/**
 * The files FilesetResolver.forVisionTasks picks from: the SIMD build, and
 * the no-SIMD build for a Chromium without wasm SIMD. (The "module" variants
 * are for module workers, which the booth does not use.)
 */
export const RUNTIME_FILES = [
  'vision_wasm_internal.js',
  'vision_wasm_internal.wasm',
  'vision_wasm_nosimd_internal.js',
  'vision_wasm_nosimd_internal.wasm',
] as const;

/** The runtime files from the installed tasks-vision package, unchanged. */
export function copyFaceRuntime(root: string): BuiltFile[] {
  const pkg = findPackage(root, RUNTIME_PACKAGE);
  if (pkg.licence !== 'Apache-2.0')
    throw new Error(`${pkg.name}@${pkg.version} is licensed "${pkg.licence}", not Apache-2.0; review before redistributing.`);
  return RUNTIME_FILES.map((name) => {
    const source = slice(
      pkg,
      `wasm/${name}`,
      name.endsWith('.js') ? 'MediaPipe Tasks vision runtime: the wasm loader' : 'MediaPipe Tasks vision runtime: the wasm binary',
    );
    return {
      name,
      kind: 'runtime',
      bytes: source.bytes,
      entries: [],
      sources: [source],
      licence: pkg.licence,
      edits: 'None: a byte-for-byte copy.',
    } satisfies BuiltFile;
  });
}
