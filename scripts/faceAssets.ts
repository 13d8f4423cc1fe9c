// A Vite plugin for the renderer build: ships the MediaPipe wasm runtime and
// the face models inside the app, so the booth never loads code or weights
// from a CDN. The models are copied as built by `npm run models`; the core
// checks them against models/manifest.json before serving them.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);

/** The runtime files FilesetResolver.forVisionTasks picks from (SIMD and no-SIMD builds). */
const WASM_FILES = ['vision_wasm_internal.js', 'vision_wasm_internal.wasm', 'vision_wasm_nosimd_internal.js', 'vision_wasm_nosimd_internal.wasm'];

export function faceAssets(root: string): Plugin {
  return {
    name: 'booth-face-assets',
    apply: 'build',
    generateBundle() {
      const wasmDir = join(dirname(require.resolve('@mediapipe/tasks-vision')), 'wasm');
      for (const file of WASM_FILES) this.emitFile({ type: 'asset', fileName: `mediapipe/${file}`, source: readFileSync(join(wasmDir, file)) });
      const modelsDir = resolve(root, 'models');
      const manifest = JSON.parse(readFileSync(join(modelsDir, 'manifest.json'), 'utf8')) as { files: Array<{ name: string }> };
      const present = new Set(readdirSync(modelsDir));
      for (const { name } of manifest.files) {
        if (!present.has(name)) this.error(`models/${name} is missing: run "npm run models" first.`);
        this.emitFile({ type: 'asset', fileName: `models/${name}`, source: readFileSync(join(modelsDir, name)) });
      }
    },
  };
}
