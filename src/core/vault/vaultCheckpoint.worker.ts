// The vault's checkpointer: a second connection, in its own thread, that
// copies committed WAL frames into the database file (PRAGMA
// wal_checkpoint(PASSIVE)) after each commit. In WAL mode a passive
// checkpoint runs beside the writer without blocking it (sqlite.org/wal.html
// §"Checkpointing": applications may run checkpoints in a separate thread),
// so the writer's commits never pay for copying and re-encrypting the WAL:
// measured, that was the whole of the commit's p99 (bench/vault.ts). It
// writes no row; the writer stays the one owner of the data.
import { workerData } from 'node:worker_threads';
import { serveWorker } from '../workers';
import { openVaultDatabase } from './database';
import { keysFromSeeds, type VaultKeySeeds } from './keys';
import type { VaultCheckpointApi } from './vaultWriterApi';

const data = workerData as { dbPath: string; seeds: VaultKeySeeds };
const keys = keysFromSeeds(data.seeds);
// Opened after the writer made and migrated the file (so the migration step finds nothing to do); it writes no row.
const opened = openVaultDatabase(data.dbPath, keys.databaseKey, { autoCheckpointPages: 0 });
keys.databaseKey.fill(0);
keys.nikKey.fill(0);

serveWorker<VaultCheckpointApi>(
  {
    checkpoint: () => {
      if (!opened.ok) return { ok: false, message: opened.message };
      const [row] = opened.db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
      return { ok: true, walFrames: row?.log ?? 0, checkpointed: row?.checkpointed ?? 0 };
    },
  },
  {
    close: () => {
      if (opened.ok) opened.db.close();
    },
  },
);
