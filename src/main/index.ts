// Electron entry: wiring only. The booth itself is the same core the
// headless host runs; this file gives it a kiosk window.
import { app, powerSaveBlocker, session, type BrowserWindow, type WebContents } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeBooth } from '../core/booth/compose';
import { ConfigError } from '../core/config';
import { guardAllWebContents, lockDownBoothSession } from './guard';
import { wireContract } from './ipc';
import { BOOTH_PARTITION } from './policy';
import { registerAppScheme, serveRenderer } from './protocol';
import { createBoothWindow } from './window';

registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | undefined;
  app.on('second-instance', () => window?.focus());
  const isBoothContents = (contents: WebContents | null | undefined) =>
    contents != null && window !== undefined && !window.isDestroyed() && contents === window.webContents;

  void app.whenReady().then(() => {
    guardAllWebContents(isBoothContents);
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
    const boothSession = session.fromPartition(BOOTH_PARTITION);
    lockDownBoothSession(boothSession, isBoothContents);
    serveRenderer(boothSession, rendererDir, booth.faceModelFiles);
    window = createBoothWindow({
      session: boothSession,
      adopt: (created) => {
        window = created;
      },
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
