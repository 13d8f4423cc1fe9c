// The vault as the booth runs it: development keys in a real folder, the
// writer thread, a real encrypted SQLite file. A stolen disk shows nobody's
// data; a wrong key or passphrase is a clear refusal, not a crash.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkSealedRecord,
  createDevelopmentKeyProvider,
  KEYS_FOLDER,
  openVault,
  openVaultDatabase,
  VAULT_FILE,
  type Vault,
} from '../../../src/core/vault';
import { memoryLogger } from '../../support/memoryLog';
import { openRecordContent, sampleEnrollment, testUpstream, type SampleCitizen } from '../../support/vault';

const upstream = testUpstream();
const folders: string[] = [];
const vaults: Vault[] = [];

afterEach(async () => {
  for (const vault of vaults.splice(0)) await vault.stop();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'booth-vault-'));
  folders.push(dir);
  return dir;
}

async function open(dir: string, passphrase = 'correct horse battery staple', minFreeBytes = 1) {
  const log = memoryLogger();
  const vault = await openVault({
    dir,
    keyProvider: createDevelopmentKeyProvider({ keysDir: join(dir, KEYS_FOLDER), passphrase }),
    upstreamKey: upstream.key,
    boothId: 'BOOTH-TEST-01',
    logger: log.logger,
    minFreeBytes,
    retentionMs: 60_000,
  });
  vaults.push(vault);
  return { vault, log };
}

async function commitSample(vault: Vault, seed: number) {
  const sample = sampleEnrollment(seed);
  const committed = await vault.commit({
    kind: 'enrollment',
    about: null,
    nik: sample.citizen.nik,
    content: (id) => ({ ...sample.content, enrollmentId: id }),
  });
  return { committed, sample };
}

describe('vault', () => {
  it('stores a sealed, signed enrollment with its pending outbox row, and finds it again after a restart', async () => {
    const dir = folder();
    const { vault, log } = await open(dir);
    expect(vault.admission()).toEqual({ open: true });
    const { committed, sample } = await commitSample(vault, 1);
    expect(committed).toMatchObject({ ok: true });
    if (!committed.ok) return;
    const status = await vault.status();
    expect(status).toMatchObject({ state: 'ready', keyProvider: 'development', counts: { pending: 1, sending: 0, acknowledged: 0 } });
    expect(status.keyWarning).toMatch(/DEVELOPMENT KEYS/);
    expect(log.text()).toMatch(/vault\.development_keys/);
    await vault.stop();

    const again = await open(dir);
    const sealed = await again.vault.writer!.call('sealed', { id: committed.id });
    expect(sealed.ok && sealed.value).toBeTruthy();
    if (!sealed.ok || !sealed.value) return;
    const checked = checkSealedRecord(sealed.value, again.vault.boothPublicKey!);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    const content = (await openRecordContent(checked.record, upstream)) as typeof sample.content;
    expect(content.enrollmentId).toBe(committed.id);
    expect(content.citizen).toEqual(sample.content.citizen);
    const byNik = await again.vault.writer!.call('enrollmentWithNik', { nik: sample.citizen.nik });
    expect(byNik).toMatchObject({ ok: true, value: { id: committed.id, state: 'pending' } });
    expect(await again.vault.writer!.call('enrollmentWithNik', { nik: '3171000000000099' })).toEqual({ ok: true, value: null });
  });

  it('leaves no NIK, email, phone, name or photo bytes anywhere in its folder (database, WAL, SHM, keys), open or closed', async () => {
    const dir = folder();
    const { vault } = await open(dir);
    const citizens: SampleCitizen[] = [];
    const ids: string[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const { committed, sample } = await commitSample(vault, seed);
      expect(committed.ok).toBe(true);
      if (committed.ok) ids.push(committed.id);
      citizens.push(sample.citizen);
    }
    const scan = (open: boolean) => {
      const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
      const names = files.map((entry) => join(entry.parentPath, entry.name));
      // Open, the WAL holds the latest pages; closed, SQLite checkpoints it into the file and deletes it.
      expect(names.some((name) => name.endsWith(`${VAULT_FILE}-wal`))).toBe(open);
      for (const name of names) {
        const bytes = readFileSync(name);
        // The whole file is encrypted, not only the sealed content: no SQLite header, no table name, no record id in clear.
        for (const clear of ['SQLite format 3', 'CREATE TABLE', 'outbox', ...ids])
          expect(bytes.includes(clear), `${clear} in ${name}`).toBe(false);
        for (const citizen of citizens) {
          for (const value of [citizen.nik, citizen.name, citizen.email, citizen.phone]) {
            expect(bytes.includes(value), `${value} in ${name}`).toBe(false);
            expect(bytes.includes(Buffer.from(value, 'utf16le')), `${value} (UTF-16) in ${name}`).toBe(false);
          }
          expect(bytes.includes(citizen.photoFingerprint), `photo bytes in ${name}`).toBe(false);
        }
      }
      return names;
    };
    scan(true);
    await vault.stop();
    const names = scan(false);
    expect(names.map((name) => name.slice(dir.length + 1)).sort()).toEqual(
      expect.arrayContaining([VAULT_FILE, join(KEYS_FOLDER, 'development-key.json')]),
    );
    // No key in clear next to the database: the key file holds a salt and a check value only.
    const keyFile = JSON.parse(readFileSync(join(dir, KEYS_FOLDER, 'development-key.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(keyFile).sort()).toEqual(['N', 'check', 'format', 'kdf', 'p', 'r', 'salt']);
  });

  it('refuses a wrong database key with a clear error, and a wrong passphrase before touching the file', async () => {
    const dir = folder();
    const { vault } = await open(dir);
    expect((await commitSample(vault, 3)).committed.ok).toBe(true);
    await vault.stop();
    const wrongKey = openVaultDatabase(join(dir, VAULT_FILE), Buffer.alloc(32, 1));
    expect(wrongKey).toMatchObject({ ok: false, reason: 'WRONG_KEY' });
    if (!wrongKey.ok) expect(wrongKey.message).toMatch(/cannot be opened with this booth's key/);

    const { vault: refused, log } = await open(dir, 'not the passphrase');
    expect(refused.admission()).toMatchObject({ open: false, reason: 'VAULT_UNAVAILABLE' });
    const status = await refused.status();
    expect(status).toMatchObject({ state: 'unavailable', unavailable: { reason: 'WRONG_PASSPHRASE' } });
    expect(await refused.commit({ kind: 'enrollment', about: null, nik: null, content: () => ({}) })).toMatchObject({
      ok: false,
      reason: 'VAULT_UNAVAILABLE',
    });
    expect(log.text()).toMatch(/vault\.unavailable/);
  });

  it('says why when the key file is damaged, and does not make new keys over it', async () => {
    const dir = folder();
    const { vault } = await open(dir);
    await vault.stop();
    const keyFile = join(dir, KEYS_FOLDER, 'development-key.json');
    writeFileSync(keyFile, '{ not json');
    const { vault: refused } = await open(dir);
    expect(await refused.status()).toMatchObject({ unavailable: { reason: 'KEY_UNREADABLE' } });
    expect(readFileSync(keyFile, 'utf8')).toBe('{ not json');
  });

  it('confirms a commit whose writer crashed right after it, and the restarted writer opens the same vault', async () => {
    const dir = folder();
    const log = memoryLogger();
    const vault = await openVault({
      dir,
      keyProvider: createDevelopmentKeyProvider({ keysDir: join(dir, KEYS_FOLDER), passphrase: 'correct horse battery staple' }),
      upstreamKey: upstream.key,
      boothId: 'BOOTH-TEST-01',
      logger: log.logger,
      minFreeBytes: 1,
      retentionMs: 60_000,
      faults: { exitAfterCommits: 1 },
    });
    vaults.push(vault);
    const { committed } = await commitSample(vault, 1);
    // The thread died before it answered: the record is read back from the restarted writer, which needs the same keys.
    expect(committed).toMatchObject({ ok: true });
    expect(log.text()).toMatch(/"event":"vault.commit_confirmed","reason":"WORKER_CRASHED"/);
    expect(vault.admission()).toEqual({ open: true });
    expect(await vault.status()).toMatchObject({ state: 'ready', counts: { pending: 1 } });
    if (committed.ok)
      expect(await vault.writer!.call('sealed', { id: committed.id })).toMatchObject({ ok: true, value: expect.any(Uint8Array) });
  });

  it('purges acknowledged records once their retention has passed, and never a pending one', async () => {
    const dir = folder();
    const { vault, log } = await open(dir);
    const acknowledged = await commitSample(vault, 1);
    const pending = await commitSample(vault, 2);
    if (!acknowledged.committed.ok || !pending.committed.ok) throw new Error('not committed');
    const id = acknowledged.committed.id;
    // Acknowledged by the upstream a minute ago, past the vault's one-minute retention.
    expect(
      await vault.writer!.call('acknowledge', { id, acknowledgement: Buffer.from('ack'), now: Date.now() - 61_000, retentionMs: 60_000 }),
    ).toEqual({
      ok: true,
      value: { ok: true },
    });
    expect(await vault.purgeNow()).toEqual({ ok: true, purged: 1 });
    expect(await vault.writer!.call('sealed', { id })).toEqual({ ok: true, value: null });
    expect(await vault.writer!.call('sealed', { id: pending.committed.id })).toMatchObject({ ok: true, value: expect.any(Uint8Array) });
    expect((await vault.status()).counts).toMatchObject({ pending: 1, purged: 1 });
    expect(log.text()).toMatch(/"event":"vault.purged","records":1/);
    expect(await vault.purgeNow()).toEqual({ ok: true, purged: 0 });
  });

  it('closes admission when free space is under the threshold, with the figures in the message', async () => {
    const dir = folder();
    const { vault } = await open(dir, undefined, Number.MAX_SAFE_INTEGER);
    const admission = vault.admission();
    expect(admission).toMatchObject({ open: false, reason: 'VAULT_DISK_LOW' });
    if (!admission.open) expect(admission.message).toMatch(/MB free on the vault's disk/);
  });
});
