// Each numbered migration upgrades a real encrypted database made by the
// previous version, keeping what it held; a database from a newer booth is
// refused, not damaged.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations, openVaultDatabase, SCHEMA_VERSION, VaultStore } from '../../../src/core/vault';

const dir = mkdtempSync(join(tmpdir(), 'booth-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const key = Buffer.alloc(32, 0x5a);

function openAt(file: string, version: number) {
  const opened = openVaultDatabase(file, key, { schemaVersion: version });
  if (!opened.ok) throw new Error(opened.message);
  return opened;
}

/** What a database at `version` holds after the test wrote to it, read with the tables of that version. */
const fixtures: Record<number, { write(file: string): void; check(file: string): void }> = {
  0: { write: () => undefined, check: () => undefined },
  1: {
    write(file) {
      const { db } = openAt(file, 1);
      const store = new VaultStore(db);
      expect(
        store.commit({
          id: '018bcfe5-6800-7000-8000-000000000001',
          createdAt: 1,
          kind: 'enrollment',
          about: null,
          nikHmac: Buffer.alloc(32, 1),
          sealed: Buffer.alloc(100, 2),
        }).ok,
      ).toBe(true);
      expect(store.markSending('018bcfe5-6800-7000-8000-000000000001', 2).ok).toBe(true);
      db.close();
    },
    check(file) {
      const { db } = openAt(file, SCHEMA_VERSION);
      const store = new VaultStore(db);
      expect(store.row('018bcfe5-6800-7000-8000-000000000001')).toMatchObject({ state: 'sending', attempts: 1, payloadSize: 100 });
      expect(Buffer.from(store.sealed('018bcfe5-6800-7000-8000-000000000001')!).equals(Buffer.alloc(100, 2))).toBe(true);
      db.close();
    },
  },
  2: {
    write(file) {
      const { db } = openAt(file, 2);
      const store = new VaultStore(db);
      const id = '018bcfe5-6800-7000-8000-000000000002';
      expect(store.commit({ id, createdAt: 1, kind: 'enrollment', about: null, nikHmac: null, sealed: Buffer.alloc(50, 3) }).ok).toBe(true);
      expect(store.markSendingMany([id], 2)).toEqual({ ok: true, sending: [id] });
      expect(store.settleBatch({ acknowledged: [], failed: [{ id, error: 'refused', retryAt: 500 }] }, 3, 1000)).toMatchObject({
        failed: 1,
      });
      expect(store.saveSyncState({ consecutiveFailures: 3, lastError: { code: 'OFFLINE' } }).ok).toBe(true);
      db.close();
    },
    check(file) {
      const { db } = openAt(file, SCHEMA_VERSION);
      const store = new VaultStore(db);
      expect(store.syncState()).toEqual({ consecutiveFailures: 3, lastError: { code: 'OFFLINE' } });
      expect(store.nextPending(10, 499)).toEqual([]);
      expect(store.nextPending(10, 500).map((row) => row.id)).toEqual(['018bcfe5-6800-7000-8000-000000000002']);
      db.close();
    },
  },
};

describe('vault migrations', () => {
  it('has a test fixture for every version', () => {
    expect(migrations.map((m) => m.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    for (let version = 0; version <= SCHEMA_VERSION; version++) expect(fixtures[version], `fixture for version ${version}`).toBeDefined();
  });

  for (const migration of migrations) {
    it(`migration ${migration.version} (${migration.summary}) upgrades a database made at version ${migration.version - 1}`, () => {
      const file = join(dir, `v${migration.version - 1}.db`);
      openAt(file, migration.version - 1).db.close();
      fixtures[migration.version - 1]!.write(file);
      const upgraded = openAt(file, migration.version);
      expect(upgraded.migratedFrom).toBe(migration.version - 1);
      expect(upgraded.db.pragma('user_version', { simple: true })).toBe(migration.version);
      expect(upgraded.db.pragma('integrity_check', { simple: true })).toBe('ok');
      upgraded.db.close();
      fixtures[migration.version - 1]!.check(file);
    });
  }

  it('refuses a database written by a newer booth, and leaves it as it was', () => {
    const file = join(dir, 'newer.db');
    const { db } = openAt(file, SCHEMA_VERSION);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const opened = openVaultDatabase(file, key);
    expect(opened).toMatchObject({ ok: false, reason: 'NEWER_SCHEMA' });
    if (!opened.ok) expect(opened.message).toMatch(/install the newer booth software/);
    const raw = openVaultDatabase(file, key, { readonly: true });
    expect(raw.ok && raw.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    if (raw.ok) raw.db.close();
  });
});
