// The vault's tables, used by their one owner (the vault writer thread):
// each sealed record goes in with its outbox row in one transaction, and the
// outbox moves pending → sending → acknowledged → purged. Synchronous on
// purpose: the thread that owns it has nothing else to do, and SQLite's
// own lock is never contended.
import type { Database, Statement, Transaction } from 'better-sqlite3-multiple-ciphers';
import type { RecordKind } from './record';

export const outboxStates = ['pending', 'sending', 'acknowledged', 'purged'] as const;
export type OutboxState = (typeof outboxStates)[number];

export interface NewRecord {
  id: string;
  /** ms since the epoch. */
  createdAt: number;
  kind: RecordKind;
  about: string | null;
  nikHmac: Uint8Array | null;
  sealed: Uint8Array;
}

/** Why a write did not happen; nothing already stored is touched by a failed write. */
export type WriteFailureReason = 'DISK_FULL' | 'IO_ERROR' | 'DUPLICATE' | 'UNKNOWN_RECORD' | 'WRITE_FAILED';
export type WriteResult = { ok: true } | { ok: false; reason: WriteFailureReason; message: string };

export interface OutboxRow {
  id: string;
  kind: RecordKind;
  about: string | null;
  createdAt: number;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  lastAttemptAt: number | null;
  payloadSize: number;
}

export interface VaultCounts {
  pending: number;
  sending: number;
  acknowledged: number;
  purged: number;
  /** created_at of the oldest record not yet acknowledged (ms), or null. */
  oldestUnsentAt: number | null;
}

/** SQLite's error codes as the citizen-facing reasons (https://www.sqlite.org/rescode.html). */
export function classifyWriteError(error: unknown): { reason: WriteFailureReason; message: string } {
  const code = String((error as { code?: unknown }).code ?? '');
  const message = (error as Error).message ?? String(error);
  if (code === 'SQLITE_FULL' || /ENOSPC/.test(message)) return { reason: 'DISK_FULL', message: `the disk is full: ${message}` };
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY')
    return { reason: 'IO_ERROR', message: `the disk refused the write (${code}): ${message}` };
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return { reason: 'DUPLICATE', message: `a record with this id exists: ${message}` };
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return { reason: 'UNKNOWN_RECORD', message: `no record to link to: ${message}` };
  return { reason: 'WRITE_FAILED', message: `${code || 'error'}: ${message}` };
}

export class VaultStore {
  readonly #insertRecord: Statement;
  readonly #insertOutbox: Statement;
  readonly #commit: Transaction<(record: NewRecord) => void>;

  constructor(readonly db: Database) {
    this.#insertRecord = db.prepare(
      'INSERT INTO records (id, created_at, kind, about, nik_hmac, payload_size, sealed) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#insertOutbox = db.prepare("INSERT INTO outbox (record_id, state) VALUES (?, 'pending')");
    this.#commit = db.transaction((record: NewRecord) => {
      this.#insertRecord.run(record.id, record.createdAt, record.kind, record.about, record.nikHmac, record.sealed.length, record.sealed);
      this.#insertOutbox.run(record.id);
    });
  }

  /** The record and its outbox row, in one durable transaction (fsynced before it returns). */
  commit(record: NewRecord): WriteResult {
    return this.#write(() => this.#commit.immediate(record));
  }

  /** Rows left 'sending' by a crash or a cut are sent again (delivery is at least once; the upstream deduplicates). */
  recoverInterrupted(): number {
    return this.db.prepare("UPDATE outbox SET state = 'pending' WHERE state = 'sending'").run().changes;
  }

  /**
   * The oldest pending records first (UUIDv7 ids sort by time), with their sealed bytes; with `now`, only those not told to
   * wait past it (a record the upstream refused waits, so it does not hold up the rest).
   */
  nextPending(limit: number, now?: number): Array<{ id: string; sealed: Uint8Array; attempts: number }> {
    const due = now === undefined ? '' : 'AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?)';
    return this.db
      .prepare(
        `SELECT r.id AS id, r.sealed AS sealed, o.attempts AS attempts FROM outbox o JOIN records r ON r.id = o.record_id
         WHERE o.state = 'pending' ${due} ORDER BY o.record_id LIMIT ?`,
      )
      .all(...(now === undefined ? [] : [now]), limit) as Array<{ id: string; sealed: Uint8Array; attempts: number }>;
  }

  /** Marks a batch 'sending' in one transaction; answers the ids that were pending (and are now sending). */
  markSendingMany(
    ids: string[],
    now: number,
  ): { ok: true; sending: string[] } | { ok: false; reason: WriteFailureReason; message: string } {
    const sending: string[] = [];
    const statement = this.db.prepare(
      "UPDATE outbox SET state = 'sending', attempts = attempts + 1, last_attempt_at = ? WHERE record_id = ? AND state = 'pending'",
    );
    const result = this.#write(() =>
      this.db
        .transaction(() => {
          for (const id of ids) if (statement.run(now, id).changes === 1) sending.push(id);
        })
        .immediate(),
    );
    return result.ok ? { ok: true, sending } : result;
  }

  /**
   * A batch's outcome in one transaction: the acknowledged (their signed acknowledgements checked by the caller) and the
   * rest back to pending with their error, each waiting until its `retryAt` (null: the next pass may send it).
   */
  settleBatch(
    outcome: {
      acknowledged: Array<{ id: string; acknowledgement: Uint8Array }>;
      failed: Array<{ id: string; error: string; retryAt: number | null }>;
    },
    now: number,
    retentionMs: number,
  ): { ok: true; acknowledged: number; failed: number } | { ok: false; reason: WriteFailureReason; message: string } {
    let acknowledged = 0;
    let failed = 0;
    const ack = this.db.prepare(
      "UPDATE outbox SET state = 'acknowledged', acknowledged_at = ?, acknowledgement = ?, purge_after = ?, last_error = NULL, next_attempt_at = NULL WHERE record_id = ? AND state IN ('pending', 'sending')",
    );
    const fail = this.db.prepare(
      "UPDATE outbox SET state = 'pending', last_error = ?, next_attempt_at = ? WHERE record_id = ? AND state IN ('pending', 'sending')",
    );
    const result = this.#write(() =>
      this.db
        .transaction(() => {
          for (const item of outcome.acknowledged) acknowledged += ack.run(now, item.acknowledgement, now + retentionMs, item.id).changes;
          for (const item of outcome.failed) failed += fail.run(item.error.slice(0, 500), item.retryAt, item.id).changes;
        })
        .immediate(),
    );
    return result.ok ? { ok: true, acknowledged, failed } : result;
  }

  /** The sync's checkpoint: its saved values by name (JSON). */
  syncState(): Record<string, unknown> {
    const state: Record<string, unknown> = {};
    // A vault the booth has not yet opened with this software (read-only, by the technician's command) has no table yet.
    if ((this.db.pragma('user_version', { simple: true }) as number) < 2) return state;
    for (const { key, value } of this.db.prepare('SELECT key, value FROM sync_state').all() as Array<{ key: string; value: string }>)
      state[key] = JSON.parse(value);
    return state;
  }

  /** Saves some of the sync's checkpoint values (null deletes one), in one transaction. */
  saveSyncState(values: Record<string, unknown>): WriteResult {
    const upsert = this.db.prepare(
      'INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    const remove = this.db.prepare('DELETE FROM sync_state WHERE key = ?');
    return this.#write(() =>
      this.db
        .transaction(() => {
          for (const [key, value] of Object.entries(values)) {
            if (value === null || value === undefined) remove.run(key);
            else upsert.run(key, JSON.stringify(value));
          }
        })
        .immediate(),
    );
  }

  markSending(id: string, now: number): WriteResult {
    return this.#transition(
      "UPDATE outbox SET state = 'sending', attempts = attempts + 1, last_attempt_at = ? WHERE record_id = ? AND state = 'pending'",
      [now, id],
      id,
    );
  }

  /** A send failed: back to pending with the error, for the technician and the next try. */
  markFailed(id: string, error: string): WriteResult {
    return this.#transition(
      "UPDATE outbox SET state = 'pending', last_error = ? WHERE record_id = ? AND state = 'sending'",
      [error.slice(0, 500), id],
      id,
    );
  }

  /** The upstream's signed acknowledgement (checked by the caller): kept, and the record purged after `retentionMs`. */
  acknowledge(id: string, acknowledgement: Uint8Array, now: number, retentionMs: number): WriteResult {
    return this.#transition(
      "UPDATE outbox SET state = 'acknowledged', acknowledged_at = ?, acknowledgement = ?, purge_after = ?, last_error = NULL WHERE record_id = ? AND state IN ('pending', 'sending')",
      [now, acknowledgement, now + retentionMs, id],
      id,
    );
  }

  /** Acknowledged records past their retention lose their sealed bytes (zeroed on disk by secure_delete) and NIK hash. */
  purgeDue(now: number): { purged: number } | { ok: false; reason: WriteFailureReason; message: string } {
    let purged = 0;
    const result = this.#write(() => {
      this.db
        .transaction(() => {
          const due = this.db
            .prepare("SELECT record_id AS id FROM outbox WHERE state = 'acknowledged' AND purge_after <= ?")
            .all(now) as Array<{ id: string }>;
          for (const { id } of due) {
            this.db.prepare('UPDATE records SET sealed = NULL, nik_hmac = NULL WHERE id = ?').run(id);
            this.db.prepare("UPDATE outbox SET state = 'purged' WHERE record_id = ?").run(id);
          }
          purged = due.length;
        })
        .immediate();
    });
    return result.ok ? { purged } : result;
  }

  /** The sealed bytes of a record not yet purged. */
  sealed(id: string): Uint8Array | null {
    const row = this.db.prepare('SELECT sealed FROM records WHERE id = ?').get(id) as { sealed: Uint8Array | null } | undefined;
    return row?.sealed ?? null;
  }

  /** The newest enrollment (not purged) with this NIK's keyed hash, if any. */
  enrollmentWithNik(nikHmac: Uint8Array): { id: string; createdAt: number; state: OutboxState } | null {
    const row = this.db
      .prepare(
        "SELECT r.id AS id, r.created_at AS createdAt, o.state AS state FROM records r JOIN outbox o ON o.record_id = r.id WHERE r.kind = 'enrollment' AND r.nik_hmac = ? ORDER BY r.id DESC LIMIT 1",
      )
      .get(nikHmac) as { id: string; createdAt: number; state: OutboxState } | undefined;
    return row ?? null;
  }

  row(id: string): OutboxRow | null {
    return (this.rows({ id })[0] as OutboxRow | undefined) ?? null;
  }

  /** Outbox rows for the technician (no content: there is none in clear). */
  rows(filter: { state?: OutboxState; id?: string; limit?: number } = {}): OutboxRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.state) {
      where.push('o.state = ?');
      args.push(filter.state);
    }
    if (filter.id) {
      where.push('r.id = ?');
      args.push(filter.id);
    }
    return this.db
      .prepare(
        `SELECT r.id AS id, r.kind AS kind, r.about AS about, r.created_at AS createdAt, o.state AS state, o.attempts AS attempts,
                o.last_error AS lastError, o.last_attempt_at AS lastAttemptAt, r.payload_size AS payloadSize
         FROM records r JOIN outbox o ON o.record_id = r.id ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY r.id LIMIT ?`,
      )
      .all(...args, filter.limit ?? 1000) as OutboxRow[];
  }

  counts(): VaultCounts {
    const counts: VaultCounts = { pending: 0, sending: 0, acknowledged: 0, purged: 0, oldestUnsentAt: null };
    for (const { state, n } of this.db.prepare('SELECT state, count(*) AS n FROM outbox GROUP BY state').all() as Array<{
      state: OutboxState;
      n: number;
    }>)
      counts[state] = n;
    const oldest = this.db
      .prepare("SELECT min(r.created_at) AS t FROM records r JOIN outbox o ON o.record_id = r.id WHERE o.state IN ('pending', 'sending')")
      .get() as { t: number | null };
    counts.oldestUnsentAt = oldest.t;
    return counts;
  }

  /** PRAGMA integrity_check: 'ok', or the problems SQLite found. */
  integrity(): string[] {
    return (this.db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check);
  }

  #transition(sql: string, args: unknown[], id: string): WriteResult {
    let changed = 0;
    const result = this.#write(() => {
      changed = this.db.prepare(sql).run(...args).changes;
    });
    if (!result.ok) return result;
    if (changed === 0) {
      const row = this.row(id);
      return {
        ok: false,
        reason: 'UNKNOWN_RECORD',
        message: row ? `record ${id} is ${row.state}: that change does not apply` : `no record ${id}`,
      };
    }
    return result;
  }

  #write(write: () => void): WriteResult {
    try {
      write();
      return { ok: true };
    } catch (error) {
      return { ok: false, ...classifyWriteError(error) };
    }
  }
}
