// The headless host and the technician CLI are plain Node programs: bundle
// them (and the core they run) into out/host/index.js and out/cli/booth.js,
// leaving npm packages external. Each worker_threads module the core names
// becomes out/workers/<name>.worker.js (scripts/nodeWorkers.ts).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { nodeWorkers } from './scripts/nodeWorkers';

export default defineConfig({
  plugins: [nodeWorkers()],
  build: {
    ssr: true,
    outDir: 'out',
    target: 'node20',
    // out/ also holds the Electron targets: only our own files are replaced.
    emptyOutDir: false,
    rollupOptions: {
      input: { 'host/index': resolve('src/host/index.ts'), 'cli/booth': resolve('src/cli/booth.ts') },
      output: { entryFileNames: '[name].js', chunkFileNames: 'shared/[name]-[hash].js', format: 'es' },
    },
  },
});
