// The outbox's states on a real encrypted file: pending → sending →
// acknowledged → purged, each change refused from the wrong state, attempts
// and the last error kept for the technician, and a purge that removes the
// sealed bytes only after the retention.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openVaultDatabase, uuidv7, VaultStore } from '../../../src/core/vault';

const dir = mkdtempSync(join(tmpdir(), 'booth-outbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function store(name: string) {
  const opened = openVaultDatabase(join(dir, name), Buffer.alloc(32, 9));
  if (!opened.ok) throw new Error(opened.message);
  return new VaultStore(opened.db);
}

const record = (id = uuidv7(), extra: Partial<Parameters<VaultStore['commit']>[0]> = {}) => ({
  id,
  createdAt: Date.now(),
  kind: 'enrollment' as const,
  about: null,
  nikHmac: Buffer.alloc(32, 3),
  sealed: Buffer.alloc(2048, 0xab),
  ...extra,
});

describe('outbox', () => {
  it('moves a record through its states, keeping attempts and the last error', () => {
    const vault = store('states.db');
    const { id } = record();
    expect(vault.commit(record(id))).toEqual({ ok: true });
    expect(vault.row(id)).toMatchObject({ state: 'pending', attempts: 0, lastError: null, payloadSize: 2048 });
    expect(vault.nextPending(10).map((r) => r.id)).toEqual([id]);
    expect(vault.markSending(id, 1000)).toEqual({ ok: true });
    expect(vault.markSending(id, 1001)).toMatchObject({
      ok: false,
      reason: 'UNKNOWN_RECORD',
      message: expect.stringMatching(/is sending/),
    });
    expect(vault.markFailed(id, 'upstream answered 503')).toEqual({ ok: true });
    expect(vault.row(id)).toMatchObject({ state: 'pending', attempts: 1, lastError: 'upstream answered 503', lastAttemptAt: 1000 });
    expect(vault.markSending(id, 2000)).toEqual({ ok: true });
    expect(vault.acknowledge(id, Buffer.from('signed ack'), 3000, 10_000)).toEqual({ ok: true });
    expect(vault.row(id)).toMatchObject({ state: 'acknowledged', attempts: 2, lastError: null });
    expect(vault.nextPending(10)).toEqual([]);
    expect(vault.purgeDue(12_999)).toEqual({ purged: 0 });
    expect(vault.sealed(id)).not.toBeNull();
    expect(vault.purgeDue(13_000)).toEqual({ purged: 1 });
    expect(vault.row(id)).toMatchObject({ state: 'purged' });
    expect(vault.sealed(id)).toBeNull();
    expect(vault.enrollmentWithNik(Buffer.alloc(32, 3))).toBeNull();
    expect(vault.acknowledge(id, Buffer.from('again'), 4000, 0)).toMatchObject({ ok: false, reason: 'UNKNOWN_RECORD' });
    expect(vault.counts()).toMatchObject({ pending: 0, sending: 0, acknowledged: 0, purged: 1, oldestUnsentAt: null });
  });

  it('sends the oldest first, and puts rows left sending by a crash back to pending', () => {
    const vault = store('order.db');
    const ids = [uuidv7(1_000), uuidv7(2_000), uuidv7(3_000)];
    for (const id of [ids[2]!, ids[0]!, ids[1]!]) expect(vault.commit(record(id)).ok).toBe(true);
    expect(vault.nextPending(2).map((r) => r.id)).toEqual(ids.slice(0, 2));
    expect(vault.markSending(ids[0]!, 5).ok).toBe(true);
    expect(vault.recoverInterrupted()).toBe(1);
    expect(vault.row(ids[0]!)).toMatchObject({ state: 'pending', attempts: 1 });
  });

  it('refuses a second record with the same id and an event about an unknown enrollment, storing nothing', () => {
    const vault = store('refusals.db');
    const { id } = record();
    expect(vault.commit(record(id)).ok).toBe(true);
    expect(vault.commit(record(id))).toMatchObject({ ok: false, reason: 'DUPLICATE' });
    expect(vault.commit(record(uuidv7(), { kind: 'signoff', about: uuidv7(), nikHmac: null }))).toMatchObject({
      ok: false,
      reason: 'UNKNOWN_RECORD',
    });
    expect(vault.commit(record(uuidv7(), { kind: 'signoff', about: id, nikHmac: null }))).toEqual({ ok: true });
    expect(vault.counts().pending).toBe(2);
  });

  it("drops a purged record's bytes with secure_delete on, so freed pages are overwritten", () => {
    const vault = store('purge.db');
    const marker = Buffer.from('PURGE-MARKER-'.repeat(40));
    const { id } = record();
    expect(vault.commit(record(id, { sealed: marker })).ok).toBe(true);
    expect(vault.acknowledge(id, Buffer.from('ack'), 0, 0).ok).toBe(true);
    expect(vault.purgeDue(1)).toEqual({ purged: 1 });
    vault.db.pragma('wal_checkpoint(TRUNCATE)');
    const pages = vault.db.prepare('SELECT count(*) AS n FROM records WHERE sealed IS NOT NULL').get() as { n: number };
    expect(pages.n).toBe(0);
    expect(vault.db.pragma('secure_delete', { simple: true })).toBe(1);
    vault.db.close();
  });
});
