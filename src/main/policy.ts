// Decisions of the Electron shell, kept free of `electron` imports so they
// are unit-tested in plain Node: which session the window uses, what it may
// load and navigate to, which permission it may get, which sender may call
// the contract, which renderer files are served from verified memory.
import { judgeRendererPath, type RendererPathVerdict } from '../shared/security/verifiedPaths';

/** The renderer is served from this custom protocol, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'booth';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The booth window's session partition. Without the "persist:" prefix
 * Electron keeps the partition in memory only: cookies, cache, local
 * storage, IndexedDB, service workers and the HTTP cache of a citizen's
 * visit never reach the profile folder on disk, and are gone when the app
 * exits. Every handler of the window (app:// protocol, permissions, request
 * filter) must be installed on this session, not on defaultSession.
 */
export const BOOTH_PARTITION = 'booth-kiosk';

/** True for a partition name Electron keeps in memory only. */
export function isInMemoryPartition(partition: string): boolean {
  return partition.length > 0 && !partition.startsWith('persist:');
}

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

/**
 * What an app:// URL serves: a verified in-memory file (models/, in any case
 * or Windows spelling), a renderer file on disk, or nothing. The disk is
 * never asked for a path the verified folder could be reached by.
 */
export function appUrlTarget(url: string): RendererPathVerdict & { relative?: string } {
  const relative = appUrlToRelativePath(url);
  if (relative === undefined) return { kind: 'refused' };
  const verdict = judgeRendererPath(relative);
  return verdict.kind === 'disk' ? { kind: 'disk', relative } : verdict;
}

/** Something a webContents is about to do that the app-wide guard decides on. */
export type ContentsAction =
  | { kind: 'window-open'; url: string }
  | { kind: 'attach-webview' }
  | { kind: 'navigate'; url: string; isMainFrame: boolean }
  | { kind: 'redirect'; url: string; isMainFrame: boolean }
  | { kind: 'permission'; ask: PermissionAsk };

/**
 * The app-wide guard for every webContents Electron creates: the booth
 * window's page, and anything else (a devtools window, a page some bug or
 * exploit manages to open). Only the booth's own page may do anything, and
 * even it may only navigate its main frame within app://booth and get the
 * camera. New windows and webviews: never. Subframes: the booth uses none,
 * so a subframe navigation (an injected iframe) is refused too.
 */
export function allowContentsAction(action: ContentsAction, isBoothContents: boolean): boolean {
  if (!isBoothContents) return false;
  switch (action.kind) {
    case 'window-open':
    case 'attach-webview':
      return false;
    case 'navigate':
    case 'redirect':
      return action.isMainFrame && isAppUrl(action.url);
    case 'permission':
      return allowPermission(action.ask);
  }
}
