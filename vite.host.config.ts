// The headless host and the technician CLI are plain Node programs: bundle
// them (and the core they run) into out/host/index.js and out/cli/booth.js,
// and the core process's entry into out/core/index.js,
// leaving npm packages external.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    ssr: true,
    outDir: 'out',
    target: 'node20',
    // out/ also holds the Electron targets: only our two files are replaced.
    emptyOutDir: false,
    rollupOptions: {
      input: {
        'host/index': resolve('src/host/index.ts'),
        // The core process's entry: the host forks it, Electron starts it as a utilityProcess.
        'core/index': resolve('src/core/process/main.ts'),
        'cli/booth': resolve('src/cli/booth.ts'),
      },
      output: { entryFileNames: '[name].js', chunkFileNames: 'shared/[name]-[hash].js', format: 'es' },
    },
  },
});
