// Electron entry: wiring only. The booth itself is the same core the
// headless host runs; this file gives it a kiosk window.
import { app, powerSaveBlocker, session, type BrowserWindow, type WebContents } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../core/config';
import { servableModelFiles } from '../core/face';
import { servableVoicePack } from '../core/speech';
import { createLogger } from '../core/logging';
import { CoreStartError, superviseCore } from '../core/process';
import { forkUtilityCore } from './coreProcess';
import { guardAllWebContents, lockDownBoothSession } from './guard';
import { wireContract } from './ipc';
import { BOOTH_PARTITION } from './policy';
import { registerAppScheme, serveRenderer } from './protocol';
import { createBoothWindow } from './window';
import { vaultRootForCore } from './safeStorageKeys';

registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | undefined;
  app.on('second-instance', () => window?.focus());
  const isBoothContents = (contents: WebContents | null | undefined) =>
    contents != null && window !== undefined && !window.isDestroyed() && contents === window.webContents;

  void app.whenReady().then(async () => {
    guardAllWebContents(isBoothContents);
    const here = dirname(fileURLToPath(import.meta.url));
    const rendererDir = join(here, '../renderer');
    const configPath = process.env['BOOTH_CONFIG'];
    let config;
    try {
      config = loadConfig(configPath);
    } catch (error) {
      console.error(error instanceof ConfigError ? error.message : error);
      app.exit(2);
      return;
    }
    const logger = createLogger({ level: config.logging.level, base: { boothId: config.booth.id } });
    // The core (devices, face models, the session) runs in a utilityProcess, restarted by the supervisor when it dies.
    let core;
    try {
      core = await superviseCore({
        spawn: () => forkUtilityCore(join(here, '../core/index.js')),
        start: {
          configPath,
          version: app.getVersion(),
          rendererDir,
          packaged: app.isPackaged,
          vaultRoot: await vaultRootForCore(config.vault),
        },
        logger,
        // The voice pack is served beside the models (the core checks it too, and refuses to start when it is wrong).
        faceModelFiles: new Map([...servableModelFiles(rendererDir), ...servableVoicePack(config.speech.voicePackDir)]),
      });
    } catch (error) {
      console.error(error instanceof CoreStartError ? `The booth core could not start: ${error.message}` : error);
      app.exit(error instanceof CoreStartError && error.kind === 'config' ? 2 : 1);
      return;
    }
    const boothSession = session.fromPartition(BOOTH_PARTITION);
    lockDownBoothSession(boothSession, isBoothContents);
    serveRenderer(boothSession, rendererDir, core.faceModelFiles);
    window = createBoothWindow({
      session: boothSession,
      adopt: (created) => {
        window = created;
      },
      preloadPath: join(here, '../preload/index.cjs'),
      kiosk: app.isPackaged || process.env['BOOTH_KIOSK'] === '1',
      onScreenLost: (why) => {
        logger.error({ event: 'screen.lost', why }, 'kiosk page lost; session wiped');
        core.wipe('screen-lost');
      },
    });
    const unwire = wireContract(window, core, logger);
    const keepAwake = powerSaveBlocker.start('prevent-display-sleep');
    logger.info({ event: 'electron.ready' }, 'kiosk window open');

    app.on('window-all-closed', () => {
      unwire();
      powerSaveBlocker.stop(keepAwake);
      void core.stop().finally(() => app.quit());
    });
  });
}
