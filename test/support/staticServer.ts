// A small file server on 127.0.0.1 for pages that load MediaPipe outside the
// booth (model tests, video probes, the face-capture bench): fixed pages,
// files in memory, and folders mounted under a prefix. Nothing outside a
// mounted folder is reachable.
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';

export interface StaticServerOptions {
  /** Exact paths answered with fixed text, e.g. '/' with a page. */
  pages?: Record<string, { type: string; body: string }>;
  /** Exact paths answered with bytes (models built in memory). */
  files?: ReadonlyMap<string, Uint8Array>;
  /** '/prefix/' → folder on disk. */
  mounts?: Record<string, string>;
}

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

const types: Record<string, string> = {
  '.html': 'text/html',
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.jpg': 'image/jpeg',
};

export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const server = createServer((request, response) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      return void response.writeHead(400).end();
    }
    const page = options.pages?.[path];
    if (page) return void response.writeHead(200, { 'content-type': page.type, 'cache-control': 'no-store' }).end(page.body);
    const bytes = options.files?.get(path);
    if (bytes) return void response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
    for (const [prefix, dir] of Object.entries(options.mounts ?? {})) {
      if (!path.startsWith(prefix)) continue;
      const base = resolve(dir);
      const file = resolve(base, `.${path.slice(prefix.length - 1)}`);
      if (!file.startsWith(base + sep)) continue;
      try {
        if (!statSync(file).isFile()) continue;
        return void response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
      } catch {
        continue;
      }
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}
