// The reference upstream as the sync tests run it: on PGlite in a folder of
// its own, or on a real PostgreSQL server the test starts (test/support/
// postgres.ts), listening on 127.0.0.1 with keys of its own (the X25519 key
// of sharedTestUpstream, which test booths seal to, and an Ed25519 key for
// acknowledgements), and a test booth's sync settings that point at it.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { BoothConfigInput } from '../../src/core/config';
import { openPglite, openPostgres, type UpstreamDatabase } from '../../src/upstream/db/database';
import { migrateUpstream } from '../../src/upstream/db/migrations';
import type { UpstreamKeys } from '../../src/upstream/keys';
import { createUpstreamServer, type UpstreamServerOptions } from '../../src/upstream/server';
import { postgresMissing, startPostgres, type RunningPostgres } from './postgres';
import { sharedTestUpstream } from './vault';

export type UpstreamStorage = 'pglite' | 'postgres';

/** The storages a sync test runs against: both, unless PostgreSQL is not installed (then the test says so). */
export const upstreamStorages: UpstreamStorage[] = postgresMissing() ? ['pglite'] : ['pglite', 'postgres'];

const signing = generateKeyPairSync('ed25519');
const raw = (key: KeyObject) => key.export({ format: 'jwk' }).x ?? '';

/** The test upstream's keys: sharedTestUpstream's sealing key, and one signing key per test process. */
export const testUpstreamKeys: UpstreamKeys = {
  sealingKeyId: sharedTestUpstream.key.id,
  sealingPrivateKey: sharedTestUpstream.privateKey,
  sealingPublicKey: Buffer.from(sharedTestUpstream.key.publicKey).toString('base64url'),
  signingKey: signing.privateKey,
  signingPublicKey: raw(signing.publicKey),
  demo: false,
};

export interface TestUpstream {
  url: string;
  port: number;
  db: UpstreamDatabase;
  app: FastifyInstance;
  storage: UpstreamStorage;
  /** Stops the server, closes the database, stops PostgreSQL (by pid) or removes the PGlite folder. */
  close(): Promise<void>;
}

/** A database of the given kind, migrated; `release` closes it and removes what the test made. */
export async function testUpstreamDatabase(storage: UpstreamStorage): Promise<{ db: UpstreamDatabase; release(): Promise<void> }> {
  let postgres: RunningPostgres | null = null;
  let folder: string | null = null;
  let db: UpstreamDatabase;
  if (storage === 'postgres') {
    postgres = await startPostgres();
    db = await openPostgres(postgres.url);
  } else {
    folder = mkdtempSync(join(tmpdir(), 'upstream-pglite-'));
    db = await openPglite(join(folder, 'data'));
  }
  await migrateUpstream(db);
  return {
    db,
    async release() {
      await db.close();
      await postgres?.stop();
      if (folder) rmSync(folder, { recursive: true, force: true });
    },
  };
}

export async function startTestUpstream(
  storage: UpstreamStorage,
  options: Partial<Omit<UpstreamServerOptions, 'db'>> & { port?: number; db?: UpstreamDatabase } = {},
): Promise<TestUpstream> {
  const owned = options.db ? null : await testUpstreamDatabase(storage);
  const db = options.db ?? owned!.db;
  const app = await createUpstreamServer({ db, keys: testUpstreamKeys, registration: 'open', ...options });
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    db,
    app,
    storage,
    async close() {
      await app.close();
      await owned?.release();
    },
  };
}

/** A test booth's sync section pointing at `url`, with the test upstream's signing key and quick retries. */
export function testSyncConfig(
  url: string | null,
  overrides: NonNullable<BoothConfigInput['sync']> = {},
): NonNullable<BoothConfigInput['sync']> {
  return {
    upstreamUrl: url,
    upstreamSigningKey: testUpstreamKeys.signingPublicKey,
    backoff: { baseMs: 100, capMs: 1_000 },
    requestTimeoutMs: 5_000,
    ...overrides,
  };
}

/** What the upstream stored: one row per record id, with the opened content's bytes. */
export async function upstreamRecords(
  db: UpstreamDatabase,
): Promise<Array<{ id: string; boothId: string; kind: string; via: string; content: Buffer }>> {
  const rows = await db.query<{ record_id: string; booth_id: string; kind: string; via: string; content: Buffer }>(
    'SELECT record_id::text, booth_id, kind, via, content FROM records ORDER BY record_id',
  );
  return rows.map((row) => ({ id: row.record_id, boothId: row.booth_id, kind: row.kind, via: row.via, content: row.content }));
}
