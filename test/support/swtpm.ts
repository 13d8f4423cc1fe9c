// A software TPM 2.0 (Debian's swtpm) for the tests of the vault's TPM key
// provider: started on free loopback ports with its state in a folder of
// the test's, stopped by its pid. Each instance is a different TPM (its own
// seeds), as another booth's would be.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';

export interface RunningSwtpm {
  /** What tpm2-tools take as TPM2TOOLS_TCTI. */
  tcti: string;
  pid: number;
  stop(): Promise<void>;
}

/** Whether swtpm and tpm2-tools are installed (scripts/system-packages.txt lists them); otherwise why not. */
export function swtpmMissing(): string | null {
  for (const tool of ['swtpm', 'tpm2_createprimary']) {
    const found = spawnSync(tool, ['--version'], { stdio: 'ignore' });
    if (found.error) return `${tool} is not installed (Debian packages swtpm, tpm2-tools)`;
  }
  return null;
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port P with P + 1 free too (bounded: 20 tries). */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort();
    if (port < 65535 && (await portIsFree(port + 1))) return port;
  }
  throw new Error('no two free neighbouring ports on 127.0.0.1 after 20 tries');
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`swtpm did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

export async function startSwtpm(): Promise<RunningSwtpm> {
  const state = mkdtempSync(join(tmpdir(), 'booth-swtpm-'));
  // The swtpm TCTI of tpm2-tools speaks to the control channel on the command port + 1: a free pair is looked for.
  const port = await freePortPair();
  const ctrl = port + 1;
  const child: ChildProcess = spawn(
    'swtpm',
    [
      'socket',
      '--tpm2',
      '--tpmstate',
      `dir=${state}`,
      '--server',
      `type=tcp,port=${port},bindaddr=127.0.0.1`,
      '--ctrl',
      `type=tcp,port=${ctrl},bindaddr=127.0.0.1`,
      '--flags',
      'not-need-init,startup-clear',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  try {
    await waitForPort(port, 5_000);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(state, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}: ${stderr.trim()}`);
  }
  return {
    tcti: `swtpm:host=127.0.0.1,port=${port}`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(child.pid!, 'SIGTERM');
        await exited;
      }
      rmSync(state, { recursive: true, force: true });
    },
  };
}
