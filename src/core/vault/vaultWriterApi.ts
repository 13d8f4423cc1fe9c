// The vault writer thread's API: the one owner of the vault's database.
// Sealing (CBOR, HPKE, Ed25519) runs there too, so a commit costs the
// core's event loop only the hand-over of the content.
import type { VaultKeySeeds } from './keys';
import type { RecordKind } from './record';
import type { OutboxRow, VaultCounts, VaultStore, WriteFailureReason, WriteResult } from './store';
import type { OpenFailure } from './database';

export interface VaultWriterData {
  dbPath: string;
  seeds: VaultKeySeeds;
  recipient: { publicKey: Uint8Array; keyId: string };
  boothId: string;
  /** The writer's own checkpoint threshold in WAL pages (a safety net: the checkpointer thread does the work). */
  autoCheckpointPages: number;
  /** Tests only: the thread ends (as a crash would) right after this many durable commits, before it answers the last. */
  faults?: { exitAfterCommits?: number };
}

export interface CommitParams {
  /** UUIDv7, made by the caller (the content repeats it). */
  id: string;
  kind: RecordKind;
  about: string | null;
  /** ms since the epoch. */
  createdAt: number;
  /** Any CBOR-encodable value; sealed, never stored in clear. Its buffers are zeroed once sealed. */
  content: unknown;
  /** The citizen's NIK, for the keyed hash kept in clear (null for events). */
  nik: string | null;
}

export type CommitAnswer =
  | { ok: true; id: string; payloadSize: number; ms: { seal: number; write: number } }
  | { ok: false; reason: WriteFailureReason | 'VAULT_CLOSED'; message: string };

export type WriterStatus =
  | { open: true; migratedFrom: number; schemaVersion: number; counts: VaultCounts; interruptedSends: number }
  | ({ open: false } & OpenFailure);

export interface VaultWriterApi {
  status(params: Record<string, never>): WriterStatus;
  commit(params: CommitParams): CommitAnswer;
  counts(params: Record<string, never>): VaultCounts;
  rows(params: { state?: OutboxRow['state']; limit?: number }): OutboxRow[];
  nextPending(params: { limit: number; now?: number }): Array<{ id: string; sealed: Uint8Array; attempts: number }>;
  markSendingMany(params: { ids: string[]; now: number }): ReturnType<VaultStore['markSendingMany']>;
  settleBatch(
    params: Parameters<VaultStore['settleBatch']>[0] & { now: number; retentionMs: number },
  ): ReturnType<VaultStore['settleBatch']>;
  syncState(params: Record<string, never>): Record<string, unknown>;
  saveSyncState(params: { values: Record<string, unknown> }): WriteResult;
  markSending(params: { id: string; now: number }): WriteResult;
  markFailed(params: { id: string; error: string }): WriteResult;
  acknowledge(params: { id: string; acknowledgement: Uint8Array; now: number; retentionMs: number }): WriteResult;
  purgeDue(params: { now: number }): { ok: true; purged: number } | { ok: false; reason: WriteFailureReason; message: string };
  sealed(params: { id: string }): Uint8Array | null;
  integrity(params: Record<string, never>): string[];
  /** Whether this NIK enrolled on this booth before (a record not yet purged). */
  enrollmentWithNik(params: { nik: string }): { id: string; createdAt: number; state: OutboxRow['state'] } | null;
}

/** The checkpointer thread's API (vaultCheckpoint.worker.ts). */
export interface VaultCheckpointApi {
  /** One passive checkpoint: frames in the WAL, and how many are now in the file. */
  checkpoint(params: Record<string, never>): { ok: true; walFrames: number; checkpointed: number } | { ok: false; message: string };
}
