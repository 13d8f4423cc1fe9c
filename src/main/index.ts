// Electron entry: wiring only. The booth itself is the same core the
// headless host runs; this file gives it a kiosk window.
import { app, powerSaveBlocker, type BrowserWindow } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeBooth } from '../core/booth/compose';
import { ConfigError } from '../core/config';
import { wireContract } from './ipc';
import { registerAppScheme, serveRenderer } from './protocol';
import { createBoothWindow } from './window';

registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | undefined;
  app.on('second-instance', () => window?.focus());

  void app.whenReady().then(() => {
    const here = dirname(fileURLToPath(import.meta.url));
    const rendererDir = join(here, '../renderer');
    let composed;
    try {
      composed = composeBooth({ configPath: process.env['BOOTH_CONFIG'], version: app.getVersion(), rendererDir });
    } catch (error) {
      console.error(error instanceof ConfigError ? error.message : error);
      app.exit(2);
      return;
    }
    const { booth, logger } = composed;
    serveRenderer(rendererDir, booth.faceModelFiles);
    window = createBoothWindow({
      preloadPath: join(here, '../preload/index.cjs'),
      kiosk: app.isPackaged || process.env['BOOTH_KIOSK'] === '1',
      onScreenLost: (why) => {
        logger.error({ event: 'screen.lost', why }, 'kiosk page lost; session wiped');
        booth.session.wipe('screen-lost');
      },
    });
    const unwire = wireContract(window, booth, logger);
    const keepAwake = powerSaveBlocker.start('prevent-display-sleep');
    logger.info({ event: 'electron.ready' }, 'kiosk window open');

    app.on('window-all-closed', () => {
      unwire();
      void booth.dispose();
      powerSaveBlocker.stop(keepAwake);
      app.quit();
    });
  });
}
