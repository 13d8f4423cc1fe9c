// The officer console: a static page the reference upstream serves at
// /console/ (src/upstream/consolePage.ts), built to out/console. Its ZXing
// .wasm is emitted beside its scripts, never fetched from a CDN.
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src/console',
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: resolve('out/console'),
    emptyOutDir: true,
    rollupOptions: { input: { index: resolve('src/console/index.html') } },
  },
});
