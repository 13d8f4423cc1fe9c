// `node out/host/index.js [--config FILE] [--port N] [--open|--kiosk]`
// Runs the booth without Electron: the core, the contract over loopback, and
// the renderer as a web page. Prints the URL and where the link with this
// launch's token is (./launchFile.ts).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../core/config';
import { servableModelFiles } from '../core/face';
import { servableVoicePack } from '../core/speech';
import { createLogger } from '../core/logging';
import { CoreStartError, forkCore, startCore } from '../core/process';
import { findChromium, hasDisplay, openBoothWindow, type BoothWindow } from './browser';
import { writeLaunchFiles } from './launchFile';
import { startHost } from './server';
import packageJson from '../../package.json';

const usage = `Usage: node out/host/index.js [--config FILE] [--port N] [--open] [--kiosk]
  --config FILE  booth configuration (JSON); defaults apply when absent (env BOOTH_CONFIG)
  --port N       port on 127.0.0.1 (0 or absent: the configured port, else a free one)
  --open         open the booth page in Chromium when a display is available
  --kiosk        like --open, full screen with no browser controls`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        config: { type: 'string' },
        port: { type: 'string' },
        open: { type: 'boolean', default: false },
        kiosk: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (args.help) {
    console.log(usage);
    return 0;
  }

  const here = dirname(fileURLToPath(import.meta.url));
  const rendererDir = resolve(here, '../renderer');
  const configPath = args.config ?? process.env['BOOTH_CONFIG'];
  // The host reads the configuration for its own settings (port, logging); the core reads the same file for the rest.
  let config;
  try {
    config = loadConfig(configPath);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  const logger = createLogger({ level: config.logging.level, base: { boothId: config.booth.id } });
  const port = args.port !== undefined ? Number(args.port) : config.host.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a whole number from 0 to 65535, not "${args.port}".`);
    return 2;
  }

  // The core (card readers, face models, the session) runs in a child process: a native driver that crashes takes only it down,
  // and the supervisor starts a fresh one. Built: out/core/index.js; under tsx (tests, development) the source, with tsx's loader
  // passed on through execArgv.
  const coreEntry = import.meta.url.endsWith('.ts') ? resolve(here, '../core/process/main.ts') : resolve(here, '../core/index.js');
  // The core is forked first and the shell checks the models it serves while the core starts. The server listens once the core
  // is ready, so "Booth ready" is true when printed (serving the page earlier measured no faster on 2 cores: bench startup).
  const faceModelFiles = new Map<string, Uint8Array>();
  const core = startCore({
    spawn: () => forkCore(coreEntry),
    start: { configPath, version: packageJson.version, rendererDir },
    logger,
    faceModelFiles,
  });
  for (const [name, bytes] of servableModelFiles(rendererDir)) faceModelFiles.set(name, bytes);
  // The voice pack beside them (the core checks it too, and refuses to start when it is wrong).
  for (const [name, bytes] of servableVoicePack(config.speech.voicePackDir)) faceModelFiles.set(name, bytes);

  try {
    await core.ready;
  } catch (error) {
    if (!(error instanceof CoreStartError)) throw error;
    console.error(`The booth core could not start: ${error.message}`);
    await core.stop();
    return error.kind === 'config' ? 2 : 1;
  }

  let host;
  try {
    host = await startHost({ core, logger, rendererDir, port, bind: config.host.bind });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    console.error(
      code === 'EADDRINUSE'
        ? `Port ${port} is already in use; pick another with --port or host.port.`
        : `Cannot start the host: ${(error as Error).message}`,
    );
    await core.stop();
    return 1;
  }
  logger.info({ event: 'host.ready', port: host.port }, 'headless host ready');
  // The token stays off stdout (logs are often readable by others): it is in a file only this user can read.
  const launch = writeLaunchFiles(host.launchUrl);
  console.log(`Booth ready at ${host.url}`);
  console.log(
    `The link with this launch's token is in ${launch.urlFile} (readable only by this user); or open ${launch.pageUrl} in a browser on this machine.`,
  );

  let window: BoothWindow | undefined;
  if (args.open || args.kiosk) {
    const chromium = findChromium();
    if (!chromium) console.log('No Chromium found (set BOOTH_CHROMIUM): open the link above in a browser.');
    else if (!hasDisplay()) console.log('No display: open the link above in a browser on this machine.');
    else window = openBoothWindow(launch.pageUrl, { kiosk: args.kiosk, executable: chromium });
  }

  await new Promise<void>((resolveSignal) => {
    process.once('SIGINT', resolveSignal);
    process.once('SIGTERM', resolveSignal);
  });
  window?.close();
  await host.close();
  await core.stop();
  launch.remove();
  logger.flush();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
