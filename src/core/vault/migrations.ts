// The vault's schema, as numbered migrations: migration N takes a database
// at version N - 1 (PRAGMA user_version) to N, in one transaction with the
// version bump. Never edit a migration that has shipped; add the next one.
// Each has a test that upgrades a database made by the previous version
// (test/integration/vault/migrations.test.ts).
import type { Database } from 'better-sqlite3-multiple-ciphers';

export interface Migration {
  version: number;
  /** What it changes, for the log and the technician. */
  summary: string;
  up(db: Database): void;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    summary: 'sealed records and their outbox',
    up(db) {
      // records: only what the booth needs in clear (inside the encrypted file); the content is in `sealed`, which the booth
      // cannot open. nik_hmac is HMAC-SHA256 of the NIK under a booth key: equal NIKs match, the NIK cannot be read back.
      db.exec(`
        CREATE TABLE records (
          id TEXT PRIMARY KEY,
          created_at INTEGER NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('enrollment', 'signoff', 'cancellation')),
          about TEXT REFERENCES records(id),
          nik_hmac BLOB,
          payload_size INTEGER NOT NULL,
          sealed BLOB
        ) STRICT;
        CREATE INDEX records_nik_hmac ON records(nik_hmac) WHERE nik_hmac IS NOT NULL;
        CREATE INDEX records_about ON records(about) WHERE about IS NOT NULL;
        CREATE TABLE outbox (
          record_id TEXT PRIMARY KEY REFERENCES records(id),
          state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'acknowledged', 'purged')),
          attempts INTEGER NOT NULL DEFAULT 0,
          last_error TEXT,
          last_attempt_at INTEGER,
          acknowledged_at INTEGER,
          acknowledgement BLOB,
          purge_after INTEGER
        ) STRICT;
        CREATE INDEX outbox_state ON outbox(state, record_id);
      `);
    },
  },
  {
    version: 2,
    summary: 'sync: a time before which a record is not sent again, and the sync checkpoint',
    up(db) {
      // next_attempt_at: a record the upstream refused (or was still taking) waits until then, so it neither blocks the queue
      // nor is sent again at once. sync_state: the sync's checkpoint (backoff, last success and error, clock offset), kept in
      // the vault so a restarted booth resumes where it was instead of hammering the upstream.
      db.exec(`
        ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER;
        CREATE TABLE sync_state (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
];

export const SCHEMA_VERSION = migrations.length;

export type MigrationOutcome = { ok: true; from: number; to: number } | { ok: false; found: number; known: number };

/** Brings `db` up to `target` (default: the newest). Refuses a database newer than this software. */
export function migrate(db: Database, target: number = SCHEMA_VERSION): MigrationOutcome {
  const found = db.pragma('user_version', { simple: true }) as number;
  if (found > SCHEMA_VERSION) return { ok: false, found, known: SCHEMA_VERSION };
  for (const migration of migrations) {
    if (migration.version <= found || migration.version > target) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return { ok: true, from: found, to: Math.max(found, Math.min(target, SCHEMA_VERSION)) };
}
