// The real pcscd with vsmartcard's vpcd driver, started for the tests that
// need it (Debian: pcscd, vsmartcard-vpcd). vpcd gives two readers,
// "Virtual PCD 00 00" (TCP 35963) and "Virtual PCD 00 01" (TCP 35964), on
// which the tests put the virtual e-KTP and the virtual SAM.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listPcscReaders, pcscReaderStates } from '../../src/core/card/pcsc/pcscChannels';

export const VPCD_CONF = '/etc/reader.conf.d/vpcd';
export const VPCD_READERS = { card: { name: 'Virtual PCD 00 00', port: 35963 }, sam: { name: 'Virtual PCD 00 01', port: 35964 } } as const;

export interface RunningPcscd {
  /** True when this helper started it (and will stop it). */
  owned: boolean;
  /** Where virtual cards connect to vpcd (see quickAckLoopback). */
  viccHost: string;
  stop(): Promise<void>;
}

/** Waits until pcscd reports a card on (or off) the reader. */
export async function waitForCard(readerName: string, present: boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (pcscReaderStates().find((reader) => reader.name === readerName)?.cardPresent === present) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`pcscd did not see the card ${present ? 'arrive on' : 'leave'} ${readerName} within ${timeoutMs} ms`);
}

/**
 * vpcd writes each message to the virtual card in two TCP sends (length,
 * then data) without TCP_NODELAY, so every APDU waits for the card side's
 * delayed ACK: about 40 ms each, 7 s for a whole read. A loopback address of
 * its own whose route carries "quickack 1" makes the card side ACK at once.
 * The route is this helper's (root only) and removed again by stop(); without
 * it the tests still pass, only slower.
 */
const VICC_ADDRESS = '127.0.0.2';

function quickAckLoopback(): { host: string; remove(): void } {
  try {
    execFileSync('ip', ['route', 'add', 'local', `${VICC_ADDRESS}/32`, 'dev', 'lo', 'table', 'local', 'quickack', '1'], {
      stdio: 'ignore',
    });
    return {
      host: VICC_ADDRESS,
      remove: () => execFileSync('ip', ['route', 'del', 'local', `${VICC_ADDRESS}/32`, 'dev', 'lo', 'table', 'local'], { stdio: 'ignore' }),
    };
  } catch {
    // Already there (another run) or not permitted: use it if present, else plain loopback.
    try {
      const routes = execFileSync('ip', ['route', 'show', 'table', 'local', `${VICC_ADDRESS}/32`], { encoding: 'utf8' });
      if (routes.includes('quickack 1')) return { host: VICC_ADDRESS, remove: () => undefined };
    } catch {
      // no iproute2
    }
    return { host: '127.0.0.1', remove: () => undefined };
  }
}

export function pcscdIsRunning(): boolean {
  try {
    execFileSync('pgrep', ['-x', 'pcscd'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function waitForReaders(timeoutMs: number): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  let last: string[] = [];
  while (Date.now() < until) {
    try {
      last = listPcscReaders();
      if (last.includes(VPCD_READERS.card.name) && last.includes(VPCD_READERS.sam.name)) return last;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`pcscd did not show the vpcd readers within ${timeoutMs} ms (saw: ${last.join(', ') || 'none'})`);
}

/**
 * One pcscd and two vpcd ports serve the whole machine, and vitest runs test
 * files in parallel workers: users of pcscd take turns through a lock
 * directory (holding the owner's PID, so a crashed run's lock is taken over).
 */
const LOCK = join(tmpdir(), 'anjungan-ikd-pcscd.lock');

async function acquireLock(timeoutMs = 180_000): Promise<() => void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch {
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
      } catch {
        // being written or removed right now
      }
      if (Number.isInteger(owner) && owner !== process.pid && !alive(owner)) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > until) throw new Error(`waited ${timeoutMs} ms for another test's pcscd (lock ${LOCK})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `beforeStart` runs holding the lock, before pcscd starts (to observe the booth without it). */
export async function startPcscd(beforeStart?: () => Promise<void>): Promise<RunningPcscd> {
  if (!existsSync('/usr/sbin/pcscd') || !existsSync(VPCD_CONF)) {
    throw new Error('pcscd with vpcd is needed: apt-get install pcscd vsmartcard-vpcd libpcsclite-dev');
  }
  const release = await acquireLock();
  try {
    await beforeStart?.();
    const running = await startPcscdLocked();
    return {
      ...running,
      stop: async () => {
        try {
          await running.stop();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

async function startPcscdLocked(): Promise<RunningPcscd> {
  const route = quickAckLoopback();
  if (pcscdIsRunning()) {
    // Someone else's pcscd (a system service): use it if it has the vpcd readers.
    await waitForReaders(3_000);
    return { owned: false, viccHost: route.host, stop: async () => route.remove() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'booth-pcscd-'));
  copyFileSync(VPCD_CONF, join(dir, 'vpcd'));
  const child: ChildProcess = spawn('/usr/sbin/pcscd', ['--foreground', '--config', dir], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForReaders(8_000);
  } catch (error) {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
    route.remove();
    throw error;
  }
  return {
    owned: true,
    viccHost: route.host,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
      route.remove();
    },
  };
}
