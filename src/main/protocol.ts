// Serves the built renderer on app://booth/ (a standard, secure scheme) so
// the page has a real origin for the CSP and the permission check, and
// file:// is never used.
import { net, protocol } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { contentSecurityPolicy } from '../shared/security/csp';
import { APP_SCHEME, appUrlToRelativePath } from './policy';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** `models` are the verified face model bytes: models/ is served from them only, never from disk. */
export function serveRenderer(rendererDir: string, models: ReadonlyMap<string, Uint8Array>): void {
  const csp = contentSecurityPolicy();
  protocol.handle(APP_SCHEME, async (request) => {
    const relative = appUrlToRelativePath(request.url);
    if (relative === undefined) return new Response('Not found', { status: 404 });
    if (relative.startsWith('models/')) {
      const bytes = models.get(relative.slice('models/'.length));
      if (!bytes) return new Response('Not found', { status: 404 });
      return new Response(new Uint8Array(bytes), { headers: { 'Content-Type': 'application/octet-stream', 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' } });
    }
    const response = await net.fetch(pathToFileURL(join(rendererDir, relative)).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', csp);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}
