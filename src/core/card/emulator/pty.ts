// A pseudo-terminal pair from socat, as a USB-serial reader module would
// appear: the driver opens one end, the module emulator the other.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface PtyPair {
  hostPath: string;
  modulePath: string;
  close(): Promise<void>;
}

/** Whether socat can be started: an executable named socat on PATH. */
export function hasSocat(path = process.env.PATH ?? ''): boolean {
  return path.split(delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, 'socat'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export async function openPtyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'booth-pty-'));
  const hostPath = join(dir, 'host');
  const modulePath = join(dir, 'module');
  let socat: ChildProcess;
  try {
    socat = spawn('socat', [`pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${modulePath}`], { stdio: 'ignore' });
  } catch (error) {
    throw new Error(`cannot start socat (apt-get install socat): ${(error as Error).message}`);
  }
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  const spawnError = new Promise<never>((_, reject) =>
    socat.once('error', (error) => reject(new Error(`cannot start socat (apt-get install socat): ${error.message}`))),
  );
  const ready = (async () => {
    for (let i = 0; i < 100; i++) {
      if (existsSync(hostPath) && existsSync(modulePath)) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('socat did not create the pseudo-terminal pair within 2 s');
  })();
  const close = async () => {
    if (socat.exitCode === null && socat.signalCode === null) {
      socat.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const quit = exited.then(() => {
      throw new Error(`socat exited (code ${socat.exitCode ?? socat.signalCode}) before creating the pseudo-terminal pair`);
    });
    // Whichever loses the race must not end as an unhandled rejection.
    for (const loser of [ready, spawnError, quit]) loser.catch(() => undefined);
    await Promise.race([ready, spawnError, quit]);
  } catch (error) {
    await close();
    throw error;
  }
  return { hostPath, modulePath, close };
}
