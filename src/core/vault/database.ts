// Opens the vault's SQLite file with whole-database encryption: SQLCipher 4
// format (AES-256-CBC pages with HMAC-SHA512, as SQLite3 Multiple Ciphers
// implements it, through better-sqlite3-multiple-ciphers). The key is given
// raw (x'…', 32 bytes from the KeyProvider), which skips SQLCipher's
// 256,000-round PBKDF2: the key is already random, and opening stays fast.
//
// Durability: WAL with synchronous=FULL (each commit is fsynced before it
// returns), secure_delete (freed pages are zeroed, so a purged record leaves
// no bytes behind), temp_store=MEMORY (no clear temporary files on disk).
import Database, { type Database as SqliteDatabase } from 'better-sqlite3-multiple-ciphers';
import { migrate, SCHEMA_VERSION } from './migrations';

export type OpenFailure =
  /** The key does not open this file (or the file is not a vault). */
  | { reason: 'WRONG_KEY'; message: string }
  /** The file was written by a newer booth version. */
  | { reason: 'NEWER_SCHEMA'; message: string }
  /** Another failure (permissions, I/O, a corrupt file). */
  | { reason: 'OPEN_FAILED'; message: string };

export type Opened = { ok: true; db: SqliteDatabase; migratedFrom: number } | ({ ok: false } & OpenFailure);

export interface OpenOptions {
  /** Stop at this schema version (tests of migrations); default: the newest. */
  schemaVersion?: number;
  readonly?: boolean;
  /** WAL pages after which a commit checkpoints by itself (SQLite's default 1000). */
  autoCheckpointPages?: number;
}

/** Applies the cipher and key; must run before any other statement on the connection. */
export function applyKey(db: SqliteDatabase, key: Uint8Array): void {
  if (key.length !== 32) throw new Error(`the database key is 32 bytes, not ${key.length}`);
  db.pragma(`cipher='sqlcipher'`);
  db.pragma('legacy=4');
  db.pragma(`key="x'${Buffer.from(key).toString('hex')}'"`);
}

export function openVaultDatabase(path: string, key: Uint8Array, options: OpenOptions = {}): Opened {
  let db: SqliteDatabase;
  try {
    db = new Database(path, { readonly: options.readonly ?? false });
  } catch (error) {
    return { ok: false, reason: 'OPEN_FAILED', message: `cannot open ${path}: ${(error as Error).message}` };
  }
  try {
    applyKey(db, key);
    // The first read decrypts page 1: a wrong key fails here with SQLITE_NOTADB.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    db.close();
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_NOTADB')
      return { ok: false, reason: 'WRONG_KEY', message: `${path} cannot be opened with this booth's key (or is not a vault)` };
    return { ok: false, reason: 'OPEN_FAILED', message: `cannot open ${path}: ${(error as Error).message}` };
  }
  try {
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      // The vault's checkpointer thread copies the WAL into the file after each commit (vaultCheckpoint.worker.ts), so a
      // commit does not pay for it; this is only the safety net should that thread be gone (16 MB of WAL).
      db.pragma(`wal_autocheckpoint = ${options.autoCheckpointPages ?? 1000}`);
    }
    db.pragma('secure_delete = ON');
    db.pragma('temp_store = MEMORY');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    if (options.readonly) return { ok: true, db, migratedFrom: db.pragma('user_version', { simple: true }) as number };
    const outcome = migrate(db, options.schemaVersion ?? SCHEMA_VERSION);
    if (!outcome.ok) {
      db.close();
      return {
        ok: false,
        reason: 'NEWER_SCHEMA',
        message: `${path} is at schema version ${outcome.found}; this booth knows up to ${outcome.known}: install the newer booth software`,
      };
    }
    return { ok: true, db, migratedFrom: outcome.from };
  } catch (error) {
    db.close();
    return { ok: false, reason: 'OPEN_FAILED', message: `cannot prepare ${path}: ${(error as Error).message}` };
  }
}
