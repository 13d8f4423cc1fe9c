// Three Electron targets from one config. Main and preload bundle the core
// and shared code; Node packages in `dependencies` stay external. The preload
// is CommonJS because sandboxed preloads cannot be ES modules. Worker
// modules the core names are emitted as out/main/workers/<name>.worker.js.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import { faceAssets } from './scripts/faceAssets';
import { nodeWorkers } from './scripts/nodeWorkers';
import { voiceAssets } from './scripts/voiceAssets';

export default defineConfig({
  main: {
    plugins: [nodeWorkers()],
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve('src/main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can require only `electron`: bundle zod and our code into it.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react(), faceAssets(resolve('.')), voiceAssets(resolve('.'))],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
