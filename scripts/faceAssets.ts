// A Vite plugin for the renderer build: ships the face models and the
// MediaPipe runtime (tasks-vision's wasm and its JavaScript loader) inside
// the app, so the booth never loads code or weights from a CDN. Every file
// models/manifest.json lists is copied into out/renderer/models/ as
// `npm run models` made it; the core checks each against the manifest at
// start-up and serves models/ only from the verified bytes.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Plugin } from 'vite';

export function faceAssets(root: string): Plugin {
  return {
    name: 'booth-face-assets',
    apply: 'build',
    generateBundle() {
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
