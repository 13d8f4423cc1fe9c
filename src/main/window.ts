// The kiosk window and its lockdown: isolated, sandboxed, on an in-memory
// session, no navigation away, no new windows, no webviews (guard.ts, for
// every webContents), camera only, no zoom or devtools in kiosk.
import { BrowserWindow, Menu, type Session, type WebContents } from 'electron';
import { APP_ENTRY_URL } from './policy';

export interface WindowOptions {
  /** policy.ts BOOTH_PARTITION's session, already locked down and serving app://. */
  session: Session;
  preloadPath: string;
  kiosk: boolean;
  /**
   * The page crashed or hung: whatever it showed of a citizen must go. Called
   * before the window reloads a fresh page.
   */
  onScreenLost: (why: string) => void;
  /** Hears the window as soon as it exists, before it loads anything, so the guards know its page. */
  adopt: (window: BrowserWindow) => void;
}

export function createBoothWindow({ session, preloadPath, kiosk, onScreenLost, adopt }: WindowOptions): BrowserWindow {
  // No menu: its accelerators (quit, zoom, reload, full screen) would work from a USB keyboard.
  Menu.setApplicationMenu(null);
  const window = new BrowserWindow({
    kiosk,
    fullscreen: kiosk,
    autoHideMenuBar: true,
    backgroundColor: '#0b3d6b',
    show: false,
    webPreferences: {
      // session.fromPartition(BOOTH_PARTITION): in memory only, nothing of a
      // citizen's visit is written to the profile on disk.
      session,
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
      // Spoken guidance starts as each screen appears, also where no touch led there (the welcome screen after a wipe, offline).
      autoplayPolicy: 'no-user-gesture-required',
      devTools: !kiosk,
    },
  });
  adopt(window);
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

/** What the app-wide guard (guard.ts) does not cover: zoom and the browser's own keys. */
function lockDownContents(contents: WebContents): void {
  // Pinch and ctrl+wheel zoom would let a citizen push the layout off screen.
  void contents.setVisualZoomLevelLimits(1, 1);
  contents.on('before-input-event', (event, input) => {
    const reload = (input.control || input.meta) && ['r', 'R', 'w', 'W'].includes(input.key);
    if (reload || input.key === 'F5' || (input.alt && input.key === 'F4')) event.preventDefault();
  });
}
