// The booth as the shells run it: the host in this process, the core in a
// child process under the real supervisor. The core runs from source (tsx's
// loader passed to it), so integration tests need no build; e2e tests may
// ask for the built out/core/index.js. Logs of both sides are kept for
// assertions.
import { resolve } from 'node:path';
import type { BoothConfigInput } from '../../src/core/config';
import { servableModelFiles } from '../../src/core/face';
import { forkCore, superviseCore, type SupervisedCore, type SuperviseOptions } from '../../src/core/process';
import { startHost, type RunningHost } from '../../src/host/server';
import { rendererDir } from './host';
import { memoryLogger } from './memoryLog';
import { testBoothConfig } from './vault';

const root = resolve(import.meta.dirname, '../..');

export interface ProcessBooth {
  core: SupervisedCore;
  host: RunningHost;
  /** The shell's log lines (the supervisor's and the host's). */
  shellLog(): string;
  /** What the core processes wrote (their JSON log lines), all starts together. */
  coreLog(): string;
  close(): Promise<void>;
}

export interface ProcessBoothOptions extends Pick<SuperviseOptions, 'budget' | 'backoffMs' | 'readyTimeoutMs'> {
  /** 'built': out/core/index.js (needs npm run build); 'source' (default): src/core/process/main.ts under tsx. */
  entry?: 'source' | 'built';
}

export async function startProcessBooth(config: BoothConfigInput = {}, options: ProcessBoothOptions = {}): Promise<ProcessBooth> {
  const shell = memoryLogger();
  const logger = shell.logger;
  const coreLines: string[] = [];
  const built = options.entry === 'built';
  const entry = built ? resolve(root, 'out/core/index.js') : resolve(root, 'src/core/process/main.ts');
  const core = await superviseCore({
    spawn: () => forkCore(entry, { stdio: 'pipe', onOutput: (chunk) => coreLines.push(chunk), execArgv: built ? [] : ['--import', 'tsx'] }),
    start: {
      config: testBoothConfig(config),
      version: '0.0.0-test',
      rendererDir,
    },
    logger,
    faceModelFiles: servableModelFiles(rendererDir),
    budget: options.budget,
    backoffMs: options.backoffMs,
    readyTimeoutMs: options.readyTimeoutMs,
  });
  const host = await startHost({ core, logger, rendererDir, port: 0, bind: '127.0.0.1' });
  return {
    core,
    host,
    shellLog: shell.text,
    coreLog: () => coreLines.join(''),
    close: async () => {
      await host.close();
      await core.stop();
    },
  };
}
