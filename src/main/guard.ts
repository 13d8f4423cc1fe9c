// The app-wide lockdown: every webContents Electron creates (the booth page,
// a devtools window, anything a bug or an exploit manages to open) gets the
// same listeners, and each decision is policy.ts allowContentsAction. Only
// the booth window's own page may navigate (within app://booth) or get the
// camera; nothing may open a window or attach a webview.
import { app, session, type Session, type WebContents } from 'electron';
import { allowContentsAction, isAllowedRequest, type ContentsAction } from './policy';

export type IsBoothContents = (contents: WebContents | null | undefined) => boolean;

/** Must run before any window exists, so no webContents is created unguarded. */
export function guardAllWebContents(isBoothContents: IsBoothContents): void {
  app.on('web-contents-created', (_event, contents) => guardContents(contents, isBoothContents));
  // Anything on the default session (not the booth's) gets no permission at all.
  denyEverything(session.defaultSession);
}

function guardContents(contents: WebContents, isBoothContents: IsBoothContents): void {
  const allowed = (action: ContentsAction) => allowContentsAction(action, isBoothContents(contents));
  contents.setWindowOpenHandler(({ url }) => ({ action: allowed({ kind: 'window-open', url }) ? 'allow' : 'deny' }));
  contents.on('will-attach-webview', (event) => {
    if (!allowed({ kind: 'attach-webview' })) event.preventDefault();
  });
  contents.on('will-navigate', (event) => {
    if (!allowed({ kind: 'navigate', url: event.url, isMainFrame: event.isMainFrame })) event.preventDefault();
  });
  // Also fires for subframes, which will-navigate does not.
  contents.on('will-frame-navigate', (event) => {
    if (!allowed({ kind: 'navigate', url: event.url, isMainFrame: event.isMainFrame })) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!allowed({ kind: 'redirect', url: event.url, isMainFrame: event.isMainFrame })) event.preventDefault();
  });
}

/** The booth session: the camera for the booth page only, app:// and in-memory URLs only. */
export function lockDownBoothSession(ses: Session, isBoothContents: IsBoothContents): void {
  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes as string[] | undefined) : undefined;
    callback(
      allowContentsAction(
        { kind: 'permission', ask: { permission, requestingUrl: details.requestingUrl ?? '', mediaTypes } },
        isBoothContents(contents),
      ),
    );
  });
  ses.setPermissionCheckHandler((contents, permission, requestingOrigin, details) =>
    allowContentsAction(
      {
        kind: 'permission',
        ask: { permission, requestingUrl: requestingOrigin, mediaTypes: details.mediaType ? [details.mediaType] : undefined },
      },
      isBoothContents(contents),
    ),
  );
  // USB, HID and serial devices from the page: never (the card reader is main's).
  ses.setDevicePermissionHandler(() => false);
  // The page needs nothing beyond app:// (MediaPipe's wasm tries to post usage
  // logs to Google; the CSP blocks that already, this stops it a second time).
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequest(details.url) }));
}

function denyEverything(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
}
