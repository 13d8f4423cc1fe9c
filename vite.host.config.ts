// The headless host is a plain Node program: bundle it (and the core it
// runs) into out/host/index.js, leaving npm packages external.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    ssr: 'src/host/index.ts',
    outDir: 'out/host',
    target: 'node20',
    emptyOutDir: true,
    rollupOptions: { output: { entryFileNames: 'index.js', format: 'es' } },
  },
});
