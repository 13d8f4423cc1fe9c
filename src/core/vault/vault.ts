// The vault as the core uses it: keys from the configured KeyProvider, the
// writer thread that owns the database, and the free-space guard. Every
// outcome is a value: a booth whose vault cannot open is out of service
// (with the reason for the technician), never a crash.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logging';
import { createWorkerClient, type WorkerClient } from '../workers';
import { freeSpaceAt } from './freeSpace';
import { deriveKeySeeds, ed25519FromSeed, rawEd25519PublicKey, type KeyProvider, type RootSecretResult } from './keys';
import type { RecordKind } from './record';
import type { VaultCounts, WriteFailureReason } from './store';
import { uuidv7 } from './uuidv7';
import type { CommitAnswer, VaultCheckpointApi, VaultWriterApi, VaultWriterData, WriterStatus } from './vaultWriterApi';

export const VAULT_FILE = 'vault.db';
/** The writer checkpoints by itself only past 16 MB of WAL: normally the checkpointer thread has done it after each commit. */
const WRITER_AUTO_CHECKPOINT_PAGES = 4000;
/** Commits between two checkpoints (about 16 × 12 pages of a 48 KB enrollment: 0.8 MB of WAL). */
const CHECKPOINT_EVERY = 16;
/** How often acknowledged records past their retention are looked for (and once at start). */
const PURGE_EVERY_MS = 3_600_000;
/** Without a new commit for this long, the WAL is checkpointed anyway. */
const CHECKPOINT_IDLE_MS = 1_000;
export const KEYS_FOLDER = 'keys';

export interface UpstreamKey {
  /** Names the key in each record, so the upstream knows which private key opens it. */
  id: string;
  /** X25519, 32 bytes. */
  publicKey: Uint8Array;
  /** The project's demonstration key, whose private half is public: records sealed to it protect nothing. */
  demo: boolean;
}

export interface VaultOptions {
  dir: string;
  keyProvider: KeyProvider;
  upstreamKey: UpstreamKey;
  boothId: string;
  logger: Logger;
  /** Below this many free bytes on the vault's disk, no new citizen is let in. */
  minFreeBytes: number;
  /** Acknowledged records are kept this long, then purged. */
  retentionMs: number;
  /** How long one writer call may take (a commit is fsynced; a slow disk can take a while). Default 15 s. */
  callTimeoutMs?: number;
  /** Tests only: make the writer thread crash. */
  faults?: VaultWriterData['faults'];
}

export type VaultUnavailable = { reason: string; message: string };

export type Admission = { open: true } | { open: false; reason: 'VAULT_DISK_LOW' | 'VAULT_UNAVAILABLE'; message: string };

export interface VaultStatus {
  state: 'ready' | 'unavailable';
  unavailable: VaultUnavailable | null;
  keyProvider: KeyProvider['kind'];
  /** Why these keys do not protect a booth in service (development keys), or null. */
  keyWarning: string | null;
  upstreamKey: { id: string; demo: boolean };
  /** The booth's Ed25519 public key, base64url of the 32 raw bytes (null when the keys could not be loaded). */
  boothPublicKey: string | null;
  freeBytes: number | null;
  minFreeBytes: number;
  counts: VaultCounts | null;
}

export type CommitFailureReason = WriteFailureReason | 'VAULT_CLOSED' | 'VAULT_UNAVAILABLE' | 'WRITER_FAILED';
export type VaultCommit =
  | { ok: true; id: string; payloadSize: number; ms: { seal: number; write: number; total: number } }
  | { ok: false; reason: CommitFailureReason; message: string };

export interface Vault {
  readonly dir: string;
  readonly boothPublicKey: KeyObject | null;
  /** The booth's Ed25519 private key, for signing its requests to the upstream (the sync); null when the keys did not load. */
  readonly requestSigningKey: KeyObject | null;
  /** Called after each durable commit (the sync starts sending soon). */
  onCommitted(listener: () => void): void;
  /** Whether a new citizen may start: the vault is open and its disk has room. */
  admission(): Admission;
  status(): Promise<VaultStatus>;
  /** Seals and stores one record with its outbox row; resolves once it is durable (or why not). */
  commit(record: { kind: RecordKind; about: string | null; content: (id: string) => unknown; nik: string | null }): Promise<VaultCommit>;
  /**
   * Purges the acknowledged records whose retention has passed (their sealed bytes and NIK hash go); also done at start and
   * every hour. Answers how many, or why not.
   */
  purgeNow(): Promise<{ ok: true; purged: number } | { ok: false; reason: string; message: string }>;
  /** The writer, for the sync (issue 14) and the technician's views; null when the vault could not open. */
  readonly writer: WorkerClient<VaultWriterApi> | null;
  stop(): Promise<void>;
}

/** Loads the keys, starts the writer and waits for it to open the database. Never rejects. */
export async function openVault(options: VaultOptions): Promise<Vault> {
  const { dir, keyProvider, logger } = options;
  if (keyProvider.warning) logger.warn({ event: 'vault.development_keys', provider: keyProvider.kind }, keyProvider.warning);
  if (options.upstreamKey.demo)
    logger.warn(
      { event: 'vault.demo_upstream_key', keyId: options.upstreamKey.id },
      "DEMO UPSTREAM KEY: enrollments are sealed to the project's demonstration key, whose private half is published with the source. Only for trying the booth out.",
    );
  const base = {
    keyProvider: keyProvider.kind,
    keyWarning: keyProvider.warning,
    upstreamKey: { id: options.upstreamKey.id, demo: options.upstreamKey.demo },
    minFreeBytes: options.minFreeBytes,
  };

  const unavailableVault = (unavailable: VaultUnavailable, boothPublicKey: KeyObject | null = null): Vault => {
    logger.error({ event: 'vault.unavailable', reason: unavailable.reason }, unavailable.message);
    return {
      dir,
      boothPublicKey,
      requestSigningKey: null,
      onCommitted: () => undefined,
      writer: null,
      admission: () => ({ open: false, reason: 'VAULT_UNAVAILABLE', message: unavailable.message }),
      status: async () => ({ ...base, state: 'unavailable', unavailable, boothPublicKey: null, freeBytes: free(), counts: null }),
      commit: async () => ({ ok: false, reason: 'VAULT_UNAVAILABLE', message: unavailable.message }),
      purgeNow: async () => ({ ok: false, reason: 'VAULT_UNAVAILABLE', message: unavailable.message }),
      stop: async () => undefined,
    };
  };
  const free = () => {
    const space = freeSpaceAt(dir);
    return space.ok ? space.freeBytes : null;
  };

  try {
    mkdirSync(join(dir, KEYS_FOLDER), { recursive: true, mode: 0o700 });
  } catch (error) {
    return unavailableVault({ reason: 'VAULT_FOLDER', message: `cannot make the vault folder ${dir}: ${(error as Error).message}` });
  }
  let root: RootSecretResult;
  try {
    root = await keyProvider.rootSecret();
  } catch (error) {
    // A provider that throws (a key file it cannot write on a full disk, a damaged one) leaves the vault closed, not the core down.
    root = {
      ok: false,
      reason: 'KEY_UNREADABLE',
      message: `the ${keyProvider.kind} keys could not be loaded: ${(error as Error).message}`,
    };
  }
  if (!root.ok) return unavailableVault({ reason: root.reason, message: root.message });
  const seeds = deriveKeySeeds(root.root);
  root.root.fill(0);
  const requestSigningKey = ed25519FromSeed(seeds.signingSeed);
  const boothPublicKey = createPublicKey(requestSigningKey);
  const committedListeners: Array<() => void> = [];
  if (root.created) logger.info({ event: 'vault.keys_created', provider: keyProvider.kind }, 'new vault keys were made for this booth');

  const writer = createWorkerClient<VaultWriterApi>({
    name: 'vault-writer',
    entry: new URL('./vaultWriter.worker.ts', import.meta.url),
    timeoutMs: options.callTimeoutMs ?? 15_000,
    // Never restart on a slow call: the commit may still land, and one writer must own the file at a time.
    restartOnTimeout: false,
    workerData: {
      dbPath: join(dir, VAULT_FILE),
      seeds,
      recipient: { publicKey: options.upstreamKey.publicKey, keyId: options.upstreamKey.id },
      boothId: options.boothId,
      autoCheckpointPages: WRITER_AUTO_CHECKPOINT_PAGES,
      faults: options.faults,
    },
    onNotice: (event, message) => logger.error({ event: `vault.${event}` }, message),
  });
  const opened = await writer.call('status', {});
  const status: WriterStatus | null = opened.ok ? opened.value : null;
  // The checkpointer opens the file once the writer has made and migrated it.
  const checkpointer =
    status?.open === true
      ? createWorkerClient<VaultCheckpointApi>({
          name: 'vault-checkpoint',
          entry: new URL('./vaultCheckpoint.worker.ts', import.meta.url),
          timeoutMs: 60_000,
          restartOnTimeout: false,
          // Only the database key: the checkpointer signs and hashes nothing.
          workerData: {
            dbPath: join(dir, VAULT_FILE),
            seeds: { databaseKey: seeds.databaseKey, nikKey: new Uint8Array(32), signingSeed: new Uint8Array(32) },
          },
          onNotice: (event, message) => logger.warn({ event: `vault.checkpoint_${event}` }, message),
        })
      : null;
  // The seeds are not zeroed here: the writer client keeps this workerData to start the thread again after a crash.
  // One checkpoint at a time, one more asked for if commits came meanwhile.
  let checkpointing = false;
  let checkpointAgain = false;
  const checkpointSoon = () => {
    if (!checkpointer || checkpointer.state !== 'running') return;
    if (checkpointing) {
      checkpointAgain = true;
      return;
    }
    checkpointing = true;
    void checkpointer.call('checkpoint', {}).then((answer) => {
      checkpointing = false;
      if (!answer.ok || !answer.value.ok)
        logger.warn({ event: 'vault.checkpoint_failed' }, answer.ok ? (answer.value as { message: string }).message : answer.message);
      if (checkpointAgain) {
        checkpointAgain = false;
        checkpointSoon();
      }
    });
  };
  // Checkpoint every CHECKPOINT_EVERY commits (a few hundred KB of WAL), or once commits pause: a checkpoint after every
  // commit would run beside the next one and slow it on a 2-core booth; a pause catches the rest.
  let sinceCheckpoint = 0;
  let idleCheckpoint: NodeJS.Timeout | undefined;
  const afterCommit = () => {
    clearTimeout(idleCheckpoint);
    if (++sinceCheckpoint >= CHECKPOINT_EVERY) {
      sinceCheckpoint = 0;
      checkpointSoon();
      return;
    }
    idleCheckpoint = setTimeout(() => {
      sinceCheckpoint = 0;
      checkpointSoon();
    }, CHECKPOINT_IDLE_MS);
    idleCheckpoint.unref();
  };
  if (!status || !status.open) {
    await writer.stop();
    const unavailable =
      status && !status.open
        ? { reason: status.reason, message: status.message }
        : { reason: 'WRITER_FAILED', message: opened.ok ? '' : opened.message };
    return unavailableVault(unavailable, boothPublicKey);
  }
  logger.info(
    {
      event: 'vault.opened',
      provider: keyProvider.kind,
      schemaVersion: status.schemaVersion,
      migratedFrom: status.migratedFrom,
      counts: status.counts,
      interruptedSends: status.interruptedSends,
      boothPublicKey: rawEd25519PublicKey(boothPublicKey).toString('base64url'),
    },
    'vault opened',
  );

  const purgeNow = async (): Promise<{ ok: true; purged: number } | { ok: false; reason: string; message: string }> => {
    const answer = await writer.call('purgeDue', { now: Date.now() });
    const result = answer.ok ? answer.value : { ok: false as const, reason: answer.reason, message: answer.message };
    if (!result.ok) logger.error({ event: 'vault.purge_failed', reason: result.reason }, result.message);
    else if (result.purged > 0)
      logger.info({ event: 'vault.purged', records: result.purged }, 'acknowledged records past their retention purged');
    return result;
  };
  void purgeNow();
  const purgeTimer = setInterval(() => void purgeNow(), PURGE_EVERY_MS);
  purgeTimer.unref();

  return {
    dir,
    boothPublicKey,
    requestSigningKey,
    onCommitted: (listener) => void committedListeners.push(listener),
    writer,
    purgeNow,
    admission(): Admission {
      if (writer.state !== 'running') return { open: false, reason: 'VAULT_UNAVAILABLE', message: 'the vault writer is out of service' };
      const space = freeSpaceAt(dir);
      if (!space.ok) return { open: false, reason: 'VAULT_UNAVAILABLE', message: space.message };
      if (space.freeBytes < options.minFreeBytes)
        return {
          open: false,
          reason: 'VAULT_DISK_LOW',
          message: `only ${Math.floor(space.freeBytes / 1e6)} MB free on the vault's disk (${dir}); new citizens wait until at least ${Math.ceil(options.minFreeBytes / 1e6)} MB are free`,
        };
      return { open: true };
    },
    async status(): Promise<VaultStatus> {
      const counts = await writer.call('counts', {});
      const running = writer.state === 'running';
      return {
        ...base,
        state: running ? 'ready' : 'unavailable',
        unavailable: running ? null : { reason: 'WRITER_FAILED', message: counts.ok ? 'the vault writer stopped' : counts.message },
        boothPublicKey: rawEd25519PublicKey(boothPublicKey).toString('base64url'),
        freeBytes: free(),
        counts: counts.ok ? counts.value : null,
      };
    },
    async commit({ kind, about, content, nik }): Promise<VaultCommit> {
      const started = performance.now();
      const createdAt = Date.now();
      const id = uuidv7(createdAt);
      // Copied now, not when the writer's queue reaches the call: a session wiped meanwhile zeroes its pictures in place.
      const copied = structuredClone(content(id));
      const answer = await writer.call('commit', { id, kind, about, createdAt, content: copied, nik });
      const total = performance.now() - started;
      if (answer.ok && answer.value.ok) {
        afterCommit();
        for (const listener of committedListeners) listener();
      }
      if (answer.ok) return finish(answer.value, total);
      // The writer failed while it held the commit: whether it landed is read back, not guessed (nothing lost, nothing doubled).
      // A commit still held by a stuck writer (TIMEOUT) may yet land: the citizen is told it did not, so a cancellation about it
      // is queued behind it (refused harmlessly, UNKNOWN_RECORD, if the enrollment never lands).
      if (answer.reason === 'TIMEOUT' && answer.sent && kind === 'enrollment') {
        void writer
          .call(
            'commit',
            {
              id: uuidv7(),
              kind: 'cancellation',
              about: id,
              createdAt: Date.now(),
              nik: null,
              content: {
                format: 'anjungan-ikd/cancellation/v1',
                enrollmentId: id,
                reason: 'not-saved-in-time',
                at: new Date().toISOString(),
              },
            },
            { timeoutMs: 600_000 },
          )
          .then((late) =>
            logger.warn(
              { event: 'vault.late_commit_cancelled', about: id, stored: late.ok && late.value.ok },
              'a commit that outlasted its time is cancelled should it land',
            ),
          );
      } else if (answer.sent) {
        const row = await writer.call('sealed', { id });
        if (row.ok && row.value) {
          logger.warn(
            { event: 'vault.commit_confirmed', reason: answer.reason },
            'the writer failed after the commit; the record is stored',
          );
          return { ok: true, id, payloadSize: row.value.length, ms: { seal: 0, write: 0, total } };
        }
      }
      logger.error({ event: 'vault.commit_failed', reason: answer.reason }, answer.message);
      return { ok: false, reason: 'WRITER_FAILED', message: `the vault writer did not answer: ${answer.message}` };
    },
    stop: async () => {
      clearInterval(purgeTimer);
      clearTimeout(idleCheckpoint);
      await checkpointer?.stop();
      await writer.stop();
    },
  };

  function finish(answer: CommitAnswer, total: number): VaultCommit {
    if (!answer.ok) {
      logger.error({ event: 'vault.commit_failed', reason: answer.reason }, answer.message);
      return answer;
    }
    return { ok: true, id: answer.id, payloadSize: answer.payloadSize, ms: { ...answer.ms, total } };
  }
}

export { rawEd25519PublicKey };
