// Builds every target: the face models and the MediaPipe runtime (npm run
// models, both checked against models/manifest.json), Electron main,
// preload and renderer (electron-vite), the headless host and the
// technician CLI (vite), the officer console (vite). Works without the
// Electron binary.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = (name) => resolve(root, 'node_modules/.bin', name);
// The host build shares out/ with electron-vite's targets: clear only its own folders.
for (const folder of ['host', 'core', 'cli', 'shared', 'emulators', 'workers', 'core-models'])
  rmSync(resolve(root, 'out', folder), { recursive: true, force: true });

for (const [command, args] of [
  // The face models and runtime first (quick when they already match models/manifest.json).
  [bin('tsx'), ['scripts/models/index.ts']],
  [bin('electron-vite'), ['build', '--logLevel', 'warn']],
  [bin('vite'), ['build', '--config', 'vite.host.config.ts', '--logLevel', 'warn']],
  // The officer console, which the reference upstream serves.
  [bin('vite'), ['build', '--config', 'vite.console.config.ts', '--logLevel', 'warn']],
]) {
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

// The core's own models (face matching in onnxruntime-node, never served to the renderer) beside the renderer folder, where the
// core looks for them (composeBooth's coreModelsDir); the core checks each against the manifest built into its code.
const { coreFiles = [] } = JSON.parse(readFileSync(resolve(root, 'models/manifest.json'), 'utf8'));
mkdirSync(resolve(root, 'out/core-models'), { recursive: true });
for (const { name } of coreFiles) copyFileSync(resolve(root, 'models', name), resolve(root, 'out/core-models', name));
