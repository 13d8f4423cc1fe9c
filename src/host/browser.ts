// Opens the booth page in a local Chromium window (app/kiosk mode) when the
// machine has a display; the host works without one, for tests and demos.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function findChromium(): string | undefined {
  const fromEnv = process.env['BOOTH_CHROMIUM'];
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return candidates.find((path) => existsSync(path));
}

export function hasDisplay(): boolean {
  return Boolean(process.env['DISPLAY'] || process.env['WAYLAND_DISPLAY']);
}

export interface BoothWindow {
  child: ChildProcess;
  /** Ends the browser this host started and removes its throw-away profile. */
  close(): void;
}

/**
 * Starts Chromium on the booth. Pass the file: URL of the private launch
 * page (./launchFile.ts), never a URL with the token: a command line is
 * readable by other local users. `kiosk` fills the screen with no browser
 * UI; `extraArgs` are for tests (headless, no sandbox as root).
 */
export function openBoothWindow(launchPageUrl: string, options: { kiosk: boolean; executable: string; extraArgs?: string[] }): BoothWindow {
  const profile = mkdtempSync(join(tmpdir(), 'booth-chromium-'));
  const args = [
    `--app=${launchPageUrl}`,
    `--user-data-dir=${profile}`,
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-translate',
    '--disable-pinch',
    '--overscroll-history-navigation=0',
    '--use-fake-ui-for-media-stream',
    // Spoken guidance starts as each screen appears, also where no touch led there (the welcome screen after a wipe).
    '--autoplay-policy=no-user-gesture-required',
  ];
  if (options.kiosk) args.push('--kiosk');
  args.push(...(options.extraArgs ?? []));
  const child = spawn(options.executable, args, { stdio: 'ignore', detached: false });
  const removeProfile = () => {
    try {
      // Chromium's helper processes may still be writing when the browser process exits.
      rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    } catch {
      // Left for the system's temp cleaner: an exit handler must not throw.
    }
  };
  child.once('exit', removeProfile);
  return {
    child,
    close: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      else removeProfile();
    },
  };
}
