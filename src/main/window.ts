// The kiosk window and its lockdown: isolated, sandboxed, no navigation away,
// no new windows, no webviews, camera only, no zoom or devtools in kiosk.
import { BrowserWindow, session, type WebContents } from 'electron';
import { APP_ENTRY_URL, allowPermission, isAppUrl } from './policy';

export interface WindowOptions {
  preloadPath: string;
  kiosk: boolean;
}

export function createBoothWindow({ preloadPath, kiosk }: WindowOptions): BrowserWindow {
  lockDownSession();
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
