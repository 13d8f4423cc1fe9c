// The vault writer: the one thread that writes the vault's database. It
// opens the file at start with the key the core derived, seals each record
// (so the content never crosses back), and commits it with its outbox row.
// A vault that cannot be opened (wrong key, newer schema, no disk) is not a
// crash: every call answers why, so the booth can say it is out of service.
import { performance } from 'node:perf_hooks';
import { workerData } from 'node:worker_threads';
import { serveWorker } from '../workers';
import { openVaultDatabase } from './database';
import { x25519PublicKey } from './hpke';
import { keysFromSeeds } from './keys';
import { SCHEMA_VERSION } from './migrations';
import { nikHmac } from './nikHash';
import { sealRecord, type SealKeys } from './record';
import { VaultStore } from './store';
import type { CommitAnswer, VaultWriterApi, VaultWriterData, WriterStatus } from './vaultWriterApi';

const data = workerData as VaultWriterData;
const keys = keysFromSeeds(data.seeds);
const sealKeys: SealKeys = {
  recipient: x25519PublicKey(data.recipient.publicKey),
  recipientKeyId: data.recipient.keyId,
  signing: keys.signingKey,
};
const opened = openVaultDatabase(data.dbPath, keys.databaseKey, { autoCheckpointPages: data.autoCheckpointPages });
keys.databaseKey.fill(0);
const store = opened.ok ? new VaultStore(opened.db) : null;
const interruptedSends = store ? store.recoverInterrupted() : 0;
let commits = 0;

function need(): VaultStore {
  if (store) return store;
  throw new Error(opened.ok ? 'the vault is closed' : opened.message);
}

/** Zeroes every byte array inside `value` (the content's photos and crops, once sealed). */
function zeroBuffers(value: unknown, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (value instanceof Uint8Array) return void value.fill(0);
  for (const inner of Object.values(value)) zeroBuffers(inner, depth + 1);
}

serveWorker<VaultWriterApi>(
  {
    status: (): WriterStatus =>
      opened.ok
        ? { open: true, migratedFrom: opened.migratedFrom, schemaVersion: SCHEMA_VERSION, counts: need().counts(), interruptedSends }
        : { open: false, reason: opened.reason, message: opened.message },
    commit: ({ id, kind, about, createdAt, content, nik }): CommitAnswer => {
      if (!store) return { ok: false, reason: 'VAULT_CLOSED', message: opened.ok ? 'the vault is closed' : opened.message };
      const started = performance.now();
      const sealed = sealRecord(
        { id, kind, about, boothId: data.boothId, createdAt: new Date(createdAt).toISOString() },
        content,
        sealKeys,
      );
      zeroBuffers(content);
      const sealedAt = performance.now();
      const written = store.commit({ id, createdAt, kind, about, nikHmac: nik === null ? null : nikHmac(keys.nikKey, nik), sealed });
      if (!written.ok) return written;
      if (data.faults?.exitAfterCommits !== undefined && ++commits >= data.faults.exitAfterCommits) process.exit(70);
      return { ok: true, id, payloadSize: sealed.length, ms: { seal: sealedAt - started, write: performance.now() - sealedAt } };
    },
    counts: () => need().counts(),
    rows: (filter) => need().rows(filter),
    nextPending: ({ limit, now }) => need().nextPending(limit, now),
    markSendingMany: ({ ids, now }) => need().markSendingMany(ids, now),
    settleBatch: ({ acknowledged, failed, now, retentionMs }) => need().settleBatch({ acknowledged, failed }, now, retentionMs),
    syncState: () => need().syncState(),
    saveSyncState: ({ values }) => need().saveSyncState(values),
    markSending: ({ id, now }) => need().markSending(id, now),
    markFailed: ({ id, error }) => need().markFailed(id, error),
    acknowledge: ({ id, acknowledgement, now, retentionMs }) => need().acknowledge(id, acknowledgement, now, retentionMs),
    purgeDue: ({ now }) => {
      const result = need().purgeDue(now);
      return 'purged' in result ? { ok: true, purged: result.purged } : result;
    },
    sealed: ({ id }) => need().sealed(id),
    integrity: () => need().integrity(),
    enrollmentWithNik: ({ nik }) => need().enrollmentWithNik(nikHmac(keys.nikKey, nik)),
  },
  {
    close: () => {
      keys.nikKey.fill(0);
      if (opened.ok) opened.db.close();
    },
  },
);
