// The PostgreSQL test server itself (test/support/postgres.ts): a real
// PostgreSQL 15 that keeps bytes and JSON as given, on loopback only, and
// leaves neither a process nor a folder behind once stopped.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresMissing, startPostgres, type RunningPostgres } from '../../support/postgres';

const missing = postgresMissing();
if (missing) console.warn(`PostgreSQL tests skipped: ${missing}`);

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

describe.skipIf(missing !== null)(`PostgreSQL test server${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let server: RunningPostgres | undefined;

  beforeAll(async () => {
    const started = Date.now();
    server = await startPostgres();
    console.info(`PostgreSQL 15 cluster made and started in ${Date.now() - started} ms`);
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('is PostgreSQL 15, serves the `upstream` database, and listens on 127.0.0.1 only', async () => {
    expect(server!.url).toBe(`postgres://booth@127.0.0.1:${server!.port}/upstream`);
    await withClient(server!.url, async (client) => {
      const { rows } = await client.query<{ version: string; database: string; user: string; listen: string }>(
        `select version(), current_database() as database, current_user as "user", current_setting('listen_addresses') as listen`,
      );
      expect(rows[0]!.version).toMatch(/^PostgreSQL 15\./);
      expect(rows[0]).toMatchObject({ database: 'upstream', user: 'booth', listen: '127.0.0.1' });
    });
  });

  it('keeps a 50 KB bytea and a jsonb document exactly', async () => {
    const photo = randomBytes(50 * 1024);
    const record = { nik: '3171234567890001', names: ['Siti', 'Rahayu'], verified: true, score: 0.93, note: 'é ✓ 🙂' };
    await withClient(server!.url, async (client) => {
      await client.query('create table records (id serial primary key, photo bytea not null, document jsonb not null)');
      const inserted = await client.query<{ id: number }>('insert into records (photo, document) values ($1, $2) returning id', [
        photo,
        JSON.stringify(record),
      ]);
      const { rows } = await client.query<{ photo: Buffer; document: unknown; length: number }>(
        'select photo, document, octet_length(photo) as length from records where id = $1',
        [inserted.rows[0]!.id],
      );
      expect(rows[0]!.length).toBe(photo.length);
      expect(Buffer.compare(rows[0]!.photo, photo)).toBe(0);
      expect(rows[0]!.document).toEqual(record);
    });
  });

  it('runs side by side with another cluster with its own database name', async () => {
    const other = await startPostgres({ database: 'second' });
    try {
      expect(other.port).not.toBe(server!.port);
      expect(other.dataDirectory).not.toBe(server!.dataDirectory);
      await withClient(other.url, async (client) => {
        const { rows } = await client.query<{ database: string }>('select current_database() as database');
        expect(rows[0]!.database).toBe('second');
        // A fresh cluster: the other server's table is not here.
        const tables = await client.query(`select 1 from pg_tables where tablename = 'records'`);
        expect(tables.rowCount).toBe(0);
      });
    } finally {
      await other.stop();
    }
  }, 30_000);

  it('stops: the pid is gone, the data directory removed, and a second stop() is harmless', async () => {
    const own = await startPostgres({ database: 'stopping' });
    // An open session must not hold the fast shutdown up.
    const client = new pg.Client({ connectionString: own.url });
    client.on('error', () => {});
    await client.connect();
    expect(isAlive(own.pid)).toBe(true);
    expect(existsSync(own.dataDirectory)).toBe(true);
    const started = Date.now();
    await own.stop();
    console.info(`PostgreSQL stopped in ${Date.now() - started} ms`);
    expect(isAlive(own.pid)).toBe(false);
    expect(existsSync(own.dataDirectory)).toBe(false);
    await own.stop();
    await expect(client.query('select 1')).rejects.toThrow();
    await client.end().catch(() => {});
  }, 30_000);

  it('refuses a database name it would have to quote', async () => {
    await expect(startPostgres({ database: 'Robert"; drop' })).rejects.toThrow(/not a plain database name/);
  });
});
