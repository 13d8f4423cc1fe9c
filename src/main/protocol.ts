// Serves the built renderer on app://booth/ (a standard, secure scheme) so
// the page has a real origin for the CSP and the permission check, and
// file:// is never used. The handler is installed on the booth window's own
// in-memory session (policy.ts BOOTH_PARTITION), not on defaultSession.
import { net, protocol, type Session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { contentSecurityPolicy } from '../shared/security/csp';
import { verifiedContentType } from '../shared/security/verifiedPaths';
import { APP_SCHEME, appUrlTarget } from './policy';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/**
 * `verified` are the face models and the MediaPipe runtime as checked
 * against the manifest at start-up: models/ is served from them only, in any
 * spelling of the folder name, never from disk.
 */
export function serveRenderer(ses: Session, rendererDir: string, verified: ReadonlyMap<string, Uint8Array>): void {
  const csp = contentSecurityPolicy();
  const securityHeaders = { 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' };
  ses.protocol.handle(APP_SCHEME, async (request) => {
    const target = appUrlTarget(request.url);
    if (target.kind === 'memory') {
      const bytes = verified.get(target.file);
      if (!bytes) return new Response('Not found', { status: 404 });
      return new Response(new Uint8Array(bytes), { headers: { ...securityHeaders, 'Content-Type': verifiedContentType(target.file) } });
    }
    if (target.kind !== 'disk' || target.relative === undefined) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(join(rendererDir, target.relative)).toString());
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(securityHeaders)) headers.set(name, value);
    return new Response(response.body, { status: response.status, headers });
  });
}
