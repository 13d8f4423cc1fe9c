// Builds all four targets: Electron main, preload and renderer (electron-vite)
// and the headless host (vite). Works without the Electron binary.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = (name) => resolve(root, 'node_modules/.bin', name);

for (const [command, args] of [
  [bin('electron-vite'), ['build', '--logLevel', 'warn']],
  [bin('vite'), ['build', '--config', 'vite.host.config.ts', '--logLevel', 'warn']],
]) {
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
