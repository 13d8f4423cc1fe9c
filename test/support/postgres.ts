// A real PostgreSQL 15 server (Debian's package) for the tests of the
// reference upstream: a fresh cluster in a folder of the test's, listening
// on a free loopback port only, started as our own child so it is stopped by
// its pid. PostgreSQL refuses to run as root: as root, initdb and the server
// run with the uid and gid of the `postgres` account (spawn's uid/gid, not
// runuser or su, which would put their own process between us and the pid).
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports';

const BIN = '/usr/lib/postgresql/15/bin';
const USER = 'booth';
const READY_WITHIN_MS = 15_000;
const STOP_WITHIN_MS = 10_000;
const LOG_TAIL_CHARS = 4_000;

export interface RunningPostgres {
  /** postgres://booth@127.0.0.1:PORT/DB (trust authentication: no password). */
  url: string;
  port: number;
  pid: number;
  /** The cluster's folder, removed by stop(). */
  dataDirectory: string;
  stop(): Promise<void>;
}

interface Account {
  uid: number;
  gid: number;
}

/** Whose uid and gid to run as: null when not root (we run as ourselves), undefined when root and there is no postgres account. */
function postgresAccount(): Account | null | undefined {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Whether PostgreSQL 15 can be run here (scripts/system-packages.txt lists it); otherwise why not. */
export function postgresMissing(): string | null {
  for (const tool of ['initdb', 'postgres']) {
    if (!existsSync(join(BIN, tool))) return 'PostgreSQL 15 is not installed (Debian package postgresql)';
  }
  if (postgresAccount() === undefined) return 'running as root and there is no postgres account to run PostgreSQL as';
  return null;
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (!isRunning(child)) return true;
  const exited = new Promise<true>((resolve) => child.once('exit', () => resolve(true)));
  const timeout = sleep(timeoutMs, false, { ref: false });
  return Promise.race([exited, timeout]);
}

interface Server {
  child: ChildProcess;
  log: () => string;
}

function spawnServer(
  dataDirectory: string,
  port: number,
  account: Account | null,
  durable: boolean,
  settings: Record<string, string>,
): Server {
  const child = spawn(
    join(BIN, 'postgres'),
    [
      ['-D', dataDirectory],
      ['-p', String(port)],
      // The Unix socket goes in the cluster's own folder, not /var/run/postgresql (which may not exist, or be the system cluster's).
      ['-k', dataDirectory],
      ['-c', 'listen_addresses=127.0.0.1'],
      // A test speed setting only: a crash loses the cluster, which a test throws away anyway. Benches keep fsync on.
      ['-c', `fsync=${durable ? 'on' : 'off'}`],
      // Load tests open many connections at once.
      ['-c', 'max_connections=300'],
      ['-c', 'shared_buffers=128MB'],
      ...Object.entries(settings).map(([name, value]) => ['-c', `${name}=${value}`]),
    ].flat(),
    { cwd: dataDirectory, stdio: ['ignore', 'pipe', 'pipe'], ...(account ?? {}) },
  );
  // Only the tail of the server's log is kept: it is what says why a start failed.
  let log = '';
  const keep = (chunk: string) => (log = (log + chunk).slice(-LOG_TAIL_CHARS));
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  child.on('error', (error) => keep(`\n${error.message}\n`));
  return { child, log: () => log.trim() };
}

/** Connects until the server answers (it refuses, then says "starting up"), bounded by `timeoutMs`; runs `work` on that connection. */
async function whenReady(server: Server, url: string, timeoutMs: number, work: (client: pg.Client) => Promise<void>): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    if (!isRunning(server.child))
      throw new Error(`PostgreSQL exited (${server.child.exitCode ?? server.child.signalCode}): ${server.log()}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      try {
        await work(client);
        return;
      } finally {
        await client.end();
      }
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(50);
  }
  throw new Error(`PostgreSQL did not accept connections within ${timeoutMs} ms (${last}): ${server.log()}`);
}

/**
 * Starts a fresh PostgreSQL 15 cluster on 127.0.0.1 with the database `database` (default `upstream`) created in it; `durable`:
 * fsync on, as a real deployment runs (benches), instead of off (tests).
 */
export async function startPostgres(
  options: { database?: string; durable?: boolean; settings?: Record<string, string> } = {},
): Promise<RunningPostgres> {
  const database = options.database ?? 'upstream';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) throw new Error(`not a plain database name: ${database}`);
  const account = postgresAccount();
  if (account === undefined) throw new Error(postgresMissing() ?? 'no postgres account');
  const dataDirectory = mkdtempSync(join(tmpdir(), 'booth-postgres-'));
  if (account) chownSync(dataDirectory, account.uid, account.gid);
  try {
    // trust: loopback only, a throwaway cluster. --no-sync: nothing to keep. C locale: the same cluster whatever LANG says.
    await promisify(execFile)(
      join(BIN, 'initdb'),
      ['-D', dataDirectory, '-A', 'trust', '-U', USER, '--no-sync', '-E', 'UTF8', '--locale=C'],
      { cwd: dataDirectory, timeout: 60_000, ...(account ?? {}) },
    );
  } catch (error) {
    rmSync(dataDirectory, { recursive: true, force: true });
    const { stderr } = error as { stderr?: string };
    throw new Error(`initdb failed: ${(error as Error).message} ${stderr?.trim() ?? ''}`);
  }

  // The free port may be taken between looking and binding: a few tries, each with a new port.
  let started: { server: Server; port: number } | undefined;
  let failure: Error | undefined;
  for (let attempt = 0; attempt < 3 && !started; attempt++) {
    const port = await freePort();
    const server = spawnServer(dataDirectory, port, account, options.durable ?? false, options.settings ?? {});
    try {
      const admin = `postgres://${USER}@127.0.0.1:${port}/postgres`;
      await whenReady(server, admin, READY_WITHIN_MS, async (client) => {
        await client.query(`create database "${database}"`);
      });
      started = { server, port };
    } catch (error) {
      failure = error as Error;
      server.child.kill('SIGKILL');
      await waitForExit(server.child, STOP_WITHIN_MS);
      if (!/Address already in use|could not bind/.test(server.log())) break;
    }
  }
  if (!started) {
    rmSync(dataDirectory, { recursive: true, force: true });
    throw failure ?? new Error('PostgreSQL did not start');
  }

  const { server, port } = started;
  const { child } = server;
  // A test run that dies without calling stop() must not leave a server running on the machine.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    process.off('exit', killOnExit);
    if (isRunning(child)) {
      // SIGINT is PostgreSQL's "fast shutdown": open sessions are ended, not waited for.
      child.kill('SIGINT');
      if (!(await waitForExit(child, STOP_WITHIN_MS))) {
        child.kill('SIGKILL');
        await waitForExit(child, STOP_WITHIN_MS);
      }
    }
    rmSync(dataDirectory, { recursive: true, force: true });
  };
  return {
    url: `postgres://${USER}@127.0.0.1:${port}/${database}`,
    port,
    pid: child.pid!,
    dataDirectory,
    stop: () => (stopping ??= stop()),
  };
}
