// Serves the built renderer from one folder, read-only, with the same
// security headers the Electron window gets. Nothing outside the folder is
// reachable: paths are resolved and checked against the root.
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, posix, resolve, sep } from 'node:path';
import { judgeRendererPath, verifiedContentType } from '../shared/security/verifiedPaths';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.tflite': 'application/octet-stream',
  '.task': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
  '.ogg': 'audio/ogg',
};

export function serveStatic(
  root: string,
  csp: string,
  request: IncomingMessage,
  response: ServerResponse,
  memory: ReadonlyMap<string, Uint8Array> = new Map(),
): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
  } catch {
    response.writeHead(400).end();
    return;
  }
  if (pathname.includes('\0')) {
    response.writeHead(400).end();
    return;
  }
  // Judge the path as it will be resolved, with "\\" a separator as on
  // Windows: "/%2Fmodels/x", "/.//models/x", "/Models/x" and "/models./x" are
  // all the verified folder (verifiedPaths.ts), served from memory or not at all.
  const normalized = posix.normalize(`/${pathname.replace(/\\/g, '/')}`);
  const verdict = judgeRendererPath(normalized);
  if (verdict.kind === 'memory') {
    const bytes = memory.get(verdict.file);
    if (!bytes) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    response.writeHead(200, {
      ...headers(csp, verdict.file),
      'Content-Type': verifiedContentType(verdict.file),
      'Content-Length': bytes.byteLength,
    });
    response.end(request.method === 'HEAD' ? undefined : bytes);
    return;
  }
  if (verdict.kind === 'refused') {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
    return;
  }
  const base = resolve(root);
  const file = resolve(join(base, normalized === '/' ? '/index.html' : normalized));
  if (file !== base && !file.startsWith(base + sep)) {
    response.writeHead(404).end();
    return;
  }
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
    return;
  }
  response.writeHead(200, { ...headers(csp, file), 'Content-Length': size });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(file).pipe(response);
}

function headers(csp: string, file: string): Record<string, string> {
  return {
    'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': file.endsWith('.html') ? 'no-store' : 'max-age=3600',
  };
}
