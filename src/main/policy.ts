// Decisions of the Electron shell, kept free of `electron` imports so they
// are unit-tested in plain Node: what the window may load, which permission
// it may get, which sender may call the contract.

/** The renderer is served from this custom protocol, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'booth';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** True for URLs of the booth's own pages. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * What the booth window may fetch: its own app:// files, and the in-memory
 * blob:/data: URLs the page makes itself (camera frames, JPEG encoding).
 * Anything else (a CDN, a telemetry endpoint) is cancelled.
 */
export function isAllowedRequest(url: string): boolean {
  if (isAppUrl(url)) return true;
  return /^(blob|data):/i.test(url);
}

export interface PermissionAsk {
  permission: string;
  requestingUrl: string;
  /** For 'media': which kinds were asked for. */
  mediaTypes?: string[];
}

/** Only the camera, only for the booth's own page. Microphone, location, notifications, etc.: no. */
export function allowPermission(ask: PermissionAsk): boolean {
  if (!isAppUrl(ask.requestingUrl)) return false;
  if (ask.permission !== 'media') return false;
  const types = ask.mediaTypes ?? [];
  return types.length > 0 && types.every((type) => type === 'video');
}

/** A contract call is served only from the window's main frame showing the booth page. */
export function isTrustedSender(frameUrl: string | undefined, isMainFrameOfBoothWindow: boolean): boolean {
  return isMainFrameOfBoothWindow && frameUrl !== undefined && isAppUrl(frameUrl);
}

/**
 * Maps an app:// URL to a file inside the renderer folder, or undefined when
 * it would leave it (../, encoded separators, NUL).
 */
export function appUrlToRelativePath(url: string): string | undefined {
  if (!isAppUrl(url)) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return undefined;
  }
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  if (pathname.includes('\0') || pathname.includes('\\')) return undefined;
  const parts = pathname.split('/').filter((part) => part.length > 0);
  if (parts.some((part) => part === '..' || part === '.')) return undefined;
  return parts.join('/');
}
