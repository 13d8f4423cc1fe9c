// The kiosk window and its lockdown: isolated, sandboxed, no navigation away,
// no new windows, no webviews, camera only, no zoom or devtools in kiosk.
import { BrowserWindow, Menu, session, type WebContents } from 'electron';
import { APP_ENTRY_URL, allowPermission, isAllowedRequest, isAppUrl } from './policy';

export interface WindowOptions {
  preloadPath: string;
  kiosk: boolean;
  /**
   * The page crashed or hung: whatever it showed of a citizen must go. Called
   * before the window reloads a fresh page.
   */
  onScreenLost: (why: string) => void;
}

export function createBoothWindow({ preloadPath, kiosk, onScreenLost }: WindowOptions): BrowserWindow {
  lockDownSession();
  // No menu: its accelerators (quit, zoom, reload, full screen) would work from a USB keyboard.
  Menu.setApplicationMenu(null);
  const window = new BrowserWindow({
    kiosk,
    fullscreen: kiosk,
    autoHideMenuBar: true,
    backgroundColor: '#0b3d6b',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      devTools: !kiosk,
    },
  });
  lockDownContents(window.webContents);
  window.webContents.on('render-process-gone', (_event, details) => {
    onScreenLost(`renderer ${details.reason}`);
    if (!window.isDestroyed()) void window.loadURL(APP_ENTRY_URL);
  });
  window.on('unresponsive', () => {
    onScreenLost('renderer unresponsive');
    window.webContents.forcefullyCrashRenderer(); // render-process-gone then reloads it
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes as string[] | undefined) : undefined;
    callback(allowPermission({ permission, requestingUrl: details.requestingUrl ?? '', mediaTypes }));
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    allowPermission({ permission, requestingUrl: requestingOrigin, mediaTypes: details.mediaType ? [details.mediaType] : undefined }),
  );
  // The page needs nothing beyond app:// (MediaPipe's wasm tries to post usage
  // logs to Google; the CSP blocks that already, this stops it a second time).
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequest(details.url) }));
}

function lockDownContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // Pinch and ctrl+wheel zoom would let a citizen push the layout off screen.
  void contents.setVisualZoomLevelLimits(1, 1);
  contents.on('before-input-event', (event, input) => {
    const reload = (input.control || input.meta) && ['r', 'R', 'w', 'W'].includes(input.key);
    if (reload || input.key === 'F5' || (input.alt && input.key === 'F4')) event.preventDefault();
  });
}
