// `npm start`: build, then run the booth with simulated devices.
// - With a working Electron binary: the Electron kiosk window.
// - Without one (as on machines that cannot download it): the headless host
//   on 127.0.0.1, its URL printed, and Chromium opened in app mode when a
//   display is available.
// `npm start -- --headless` always uses the host; other flags go to the host
// (--config FILE, --port N, --kiosk).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const headless = args.includes('--headless');
const hostArgs = args.filter((arg) => arg !== '--headless');
// Electron's main reads the configuration path from BOOTH_CONFIG.
const configAt = args.indexOf('--config');
const env = { ...process.env };
if (configAt >= 0 && args[configAt + 1]) env.BOOTH_CONFIG = resolve(args[configAt + 1]);

const build = spawnSync(process.execPath, [resolve(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const electron = headless ? undefined : electronBinary();
if (electron) {
  console.log('Starting the Electron kiosk window…');
  forward(spawn(electron, [root], { cwd: root, stdio: 'inherit', env }));
} else {
  if (!headless) console.log('No Electron binary here: running the headless host instead (the same booth, in Chromium).');
  const display = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  forward(
    spawn(
      process.execPath,
      [resolve(root, 'out/host/index.js'), ...(display && !hostArgs.includes('--kiosk') ? ['--open'] : []), ...hostArgs],
      { cwd: root, stdio: 'inherit' },
    ),
  );
}

/** Path of a runnable Electron binary, fetching it once when the network allows. */
function electronBinary() {
  const require = createRequire(import.meta.url);
  const find = () => {
    try {
      const path = require('electron');
      return typeof path === 'string' && existsSync(path) ? path : undefined;
    } catch {
      return undefined;
    }
  };
  let path = find();
  const marker = resolve(root, 'node_modules/.cache/anjungan-ikd/electron-download-failed');
  if (!path && !existsSync(marker) && existsSync(resolve(root, 'node_modules/electron/install.js'))) {
    console.log('Fetching the Electron binary (once; skipped after a failure)…');
    const fetch = spawnSync(process.execPath, [resolve(root, 'node_modules/electron/install.js')], {
      cwd: resolve(root, 'node_modules/electron'),
      stdio: 'ignore',
      timeout: 120_000,
    });
    path = fetch.status === 0 ? find() : undefined;
    if (!path) {
      mkdirSync(resolve(marker, '..'), { recursive: true });
      writeFileSync(marker, `${new Date().toISOString()}\n`);
    }
  }
  const display = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  return path && display ? path : undefined;
}

function forward(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
