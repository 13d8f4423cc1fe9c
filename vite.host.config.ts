// The headless host and the technician CLI are plain Node programs: bundle
// them (and the core they run) into out/host/index.js and out/cli/booth.js,
// and the core process's entry into out/core/index.js, leaving npm packages
// external. Each worker_threads module the core names becomes
// out/workers/<name>.worker.js (scripts/nodeWorkers.ts).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { nodeWorkers } from './scripts/nodeWorkers';

const emulatorFolder = resolve('src/core/card/emulator');
const isEmulatorModule = (id: string) => id.startsWith(emulatorFolder);

export default defineConfig({
  plugins: [nodeWorkers()],
  build: {
    ssr: true,
    outDir: 'out',
    target: 'node20',
    // out/ also holds the Electron targets: only our own folders are replaced.
    emptyOutDir: false,
    rollupOptions: {
      input: {
        'host/index': resolve('src/host/index.ts'),
        // The core process's entry: the host forks it, Electron starts it as a utilityProcess.
        'core/index': resolve('src/core/process/main.ts'),
        'cli/booth': resolve('src/cli/booth.ts'),
      },
      output: {
        entryFileNames: '[name].js',
        // The card emulator (virtual cards, synthetic citizens and their photos) is imported only when configured: its chunk goes
        // to out/emulators/, which a packaged booth leaves out (test/e2e/production-bundle.test.ts checks it is nowhere else).
        chunkFileNames: (chunk) => (chunk.moduleIds.some(isEmulatorModule) ? 'emulators/[name]-[hash].js' : 'shared/[name]-[hash].js'),
        format: 'es',
      },
    },
  },
});
