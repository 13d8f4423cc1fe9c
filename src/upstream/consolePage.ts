// The officer console's static files (built by vite.console.config.ts into
// out/console), served by the upstream at /console/. Read once at start and
// served from memory: only the files the build made, nothing named by a
// request reaches the disk. A page with a strict Content-Security-Policy:
// its own scripts and ZXing's .wasm, images and the camera, nothing else.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

export const CONSOLE_DIR = fileURLToPath(new URL('../../out/console/', import.meta.url));

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

function readBuild(dir: string): Map<string, { bytes: Buffer; type: string }> | null {
  if (!existsSync(join(dir, 'index.html'))) return null;
  const files = new Map<string, { bytes: Buffer; type: string }>();
  const assets = join(dir, 'assets');
  files.set('', { bytes: readFileSync(join(dir, 'index.html')), type: TYPES['.html']! });
  if (existsSync(assets))
    for (const name of readdirSync(assets))
      files.set(`assets/${name}`, { bytes: readFileSync(join(assets, name)), type: TYPES[extname(name)] ?? 'application/octet-stream' });
  return files;
}

export function registerConsolePage(app: FastifyInstance, dir = CONSOLE_DIR): void {
  const files = readBuild(dir);
  app.get('/console', async (_request, reply) => reply.redirect('/console/'));
  app.get<{ Params: { '*': string } }>('/console/*', async (request, reply) => {
    const path = request.params['*'];
    if (path.startsWith('api/')) return reply.callNotFound();
    if (!files)
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The officer console is not built on this upstream: run "npm run build", then start the upstream again.');
    const file = files.get(path);
    if (!file) return reply.code(404).type('text/plain; charset=utf-8').send('Not found.');
    return reply
      .header('content-security-policy', CONSOLE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', path === '' ? 'no-store' : 'public, max-age=31536000, immutable')
      .type(file.type)
      .send(file.bytes);
  });
}
