// The upstream's storage: PostgreSQL through `pg` for a real deployment
// (DATABASE_URL), or PGlite (PostgreSQL compiled to WebAssembly) in a
// folder for `npm run upstream` on a machine with nothing installed. The
// same SQL and migrations run on both; this file hides their two
// differences that matter here (docs/sync-groundwork.md): bytea comes back
// as a Buffer from pg and a Uint8Array from PGlite (callers get Buffers),
// and PGlite is one connection, so its queries are serialised.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface Queryable {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
}

export interface UpstreamDatabase extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Where it is: the server (without its password) or the folder. */
  readonly location: string;
  /** Runs `work` in one transaction (BEGIN … COMMIT, ROLLBACK when it throws). */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** bytea as Buffer, whichever driver read it. */
function normaliseRow<Row>(row: Record<string, unknown>): Row {
  for (const [key, value] of Object.entries(row))
    if (value instanceof Uint8Array && !Buffer.isBuffer(value)) row[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return row as Row;
}

export async function openPostgres(url: string, options: { maxConnections?: number } = {}): Promise<UpstreamDatabase> {
  const max = options.maxConnections ?? 10;
  // Every connection is opened now and kept (min = max): the first booths after a start do not wait for new server
  // processes, which PostgreSQL forks and warms one by one while a fleet is already sending.
  const pool = new pg.Pool({ connectionString: url, max, min: max, idleTimeoutMillis: 30_000 });
  // An idle client that loses its server (a restart) is dropped by the pool; without a listener the error would end the process.
  pool.on('error', () => undefined);
  // Fail now, with the server's own words, rather than at the first booth's request.
  const opened = await Promise.allSettled(Array.from({ length: max }, () => pool.connect()));
  for (const result of opened) if (result.status === 'fulfilled') result.value.release();
  const refused = opened.find((result) => result.status === 'rejected');
  if (refused && opened.every((result) => result.status === 'rejected')) {
    await pool.end();
    throw refused.reason;
  }
  const location = (() => {
    try {
      const parsed = new URL(url);
      parsed.password = '';
      return parsed.toString();
    } catch {
      return 'postgres';
    }
  })();
  const run = async <Row>(client: pg.Pool | pg.PoolClient, text: string, params?: unknown[]) =>
    (await client.query(text, params)).rows.map((row: Record<string, unknown>) => normaliseRow<Row>(row));
  return {
    kind: 'postgres',
    location,
    query: (text, params) => run(pool, text, params),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({ query: (text, params) => run(client, text, params) });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/**
 * PGlite's folder belongs to one process at a time (two would corrupt it): a lock file with the owner's pid, taken over
 * only from a process that no longer runs.
 */
function lockFolder(dataDir: string): () => void {
  const lock = join(dataDir, '..', `${basename(dataDir)}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lock, 'utf8'));
      let alive = false;
      try {
        process.kill(owner, 0);
        alive = true;
      } catch {
        alive = false;
      }
      if (alive)
        throw new Error(
          `the PGlite folder ${dataDir} is in use by process ${owner} (a running upstream?): stop it first, or give each its own folder, or use PostgreSQL`,
        );
      rmSync(lock, { force: true });
    }
  }
  throw new Error(`cannot lock the PGlite folder ${dataDir}`);
}

export async function openPglite(dataDir: string): Promise<UpstreamDatabase> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const unlock = lockFolder(dataDir);
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir);
  } catch (error) {
    unlock();
    throw error;
  }
  // One connection: each query or transaction waits for the one before (PGlite would interleave a transaction's statements).
  let queue: Promise<unknown> = Promise.resolve();
  const serialise = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const run = async <Row>(target: Pick<PGlite, 'query'>, text: string, params?: unknown[]) =>
    (await target.query<Record<string, unknown>>(text, params)).rows.map((row) => normaliseRow<Row>(row));
  return {
    kind: 'pglite',
    location: dataDir,
    query: (text, params) => serialise(() => run(db, text, params)),
    transaction: (work) => serialise(() => db.transaction((tx) => work({ query: (text, params) => run(tx, text, params) }))),
    close: () => serialise(() => db.close()).finally(unlock),
  };
}
