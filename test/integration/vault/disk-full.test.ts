// A full disk, for real: the vault on a tmpfs of a few MB that the test
// mounts (as root; where it cannot, it says so and skips this file only).
// The free-space guard closes admission before any commit fails; a disk
// filled to the brim behind its back makes a commit fail with DISK_FULL,
// and every record stored before stays intact and readable; once room is
// made, commits work again.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSealedRecord, createDevelopmentKeyProvider, KEYS_FOLDER, openVault, type Vault } from '../../../src/core/vault';
import { memoryLogger } from '../../support/memoryLog';
import { sampleEnrollment, testUpstream } from '../../support/vault';

const SIZE_MB = 4;
const mountPoint = mkdtempSync(join(tmpdir(), 'booth-full-'));
let mounted = false;
let why = '';

beforeAll(() => {
  if (process.getuid?.() !== 0) {
    why = 'not root';
    return;
  }
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE_MB}m,mode=0700`, 'tmpfs', mountPoint], { encoding: 'utf8' });
  mounted = mount.status === 0;
  why = mounted ? '' : `mount failed: ${(mount.stderr || mount.error?.message || '').trim()}`;
  if (!mounted) console.warn(`disk-full test skipped: cannot mount a ${SIZE_MB} MB tmpfs here (${why})`);
});

afterAll(() => {
  if (mounted) spawnSync('umount', [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

/** Writes zeros into `file` until the file system refuses (ENOSPC); returns the bytes written. */
function fillToTheBrim(file: string): number {
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (let i = 0; i < 10_000; i++) {
      try {
        written += writeSync(fd, block);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        // Then the last partial blocks, down to one byte.
        for (let size = 4096; size >= 1; size = Math.floor(size / 2)) {
          try {
            for (let j = 0; j < 64; j++) written += writeSync(fd, block.subarray(0, size));
          } catch (inner) {
            if ((inner as NodeJS.ErrnoException).code !== 'ENOSPC') throw inner;
          }
        }
        return written;
      }
    }
    throw new Error(`${file}: the file system never filled up`);
  } finally {
    closeSync(fd);
  }
}

describe('vault on a full disk', () => {
  it('stops new citizens before a commit can fail, reports DISK_FULL when the disk fills anyway, and loses nothing', async (context) => {
    if (!mounted) return context.skip(`cannot mount a tmpfs here: ${why}`);
    const dir = join(mountPoint, 'vault');
    const log = memoryLogger();
    const upstream = testUpstream();
    const vault: Vault = await openVault({
      dir,
      keyProvider: createDevelopmentKeyProvider({ keysDir: join(dir, KEYS_FOLDER), passphrase: 'disk full test' }),
      upstreamKey: upstream.key,
      boothId: 'BOOTH-TEST-01',
      logger: log.logger,
      minFreeBytes: 1_500_000,
      retentionMs: 0,
    });
    try {
      expect(vault.admission()).toEqual({ open: true });
      const stored: string[] = [];
      const commit = (seed: number) =>
        vault.commit({
          kind: 'enrollment',
          about: null,
          nik: sampleEnrollment(seed).citizen.nik,
          content: (id) => sampleEnrollment(seed, id).content,
        });
      // As the booth does: a citizen starts only while admission is open, and finishes with a commit.
      for (let seed = 1; seed <= 200 && vault.admission().open; seed++) {
        const committed = await commit(seed);
        expect(committed, `commit ${seed} while admission was open`).toMatchObject({ ok: true });
        if (committed.ok) stored.push(committed.id);
      }
      const admission = vault.admission();
      expect(admission).toMatchObject({ open: false, reason: 'VAULT_DISK_LOW' });
      if (!admission.open) expect(admission.message).toMatch(/MB free on the vault's disk/);
      expect(stored.length).toBeGreaterThan(10);

      // Something else fills the disk to the last byte: the next commit fails, clearly, and takes nothing with it.
      const filler = join(mountPoint, 'filler');
      fillToTheBrim(filler);
      const failed = await commit(1000);
      expect(failed).toMatchObject({ ok: false, reason: 'DISK_FULL' });
      if (!failed.ok) expect(failed.message).toMatch(/disk is full/);
      const status = await vault.status();
      expect(status.counts).toMatchObject({ pending: stored.length });
      expect(await vault.writer!.call('integrity', {})).toEqual({ ok: true, value: ['ok'] });
      for (const id of stored) {
        const sealed = await vault.writer!.call('sealed', { id });
        expect(sealed.ok && sealed.value && checkSealedRecord(sealed.value, vault.boothPublicKey!).ok, `record ${id}`).toBe(true);
      }

      // Room again: the booth goes on where it stopped.
      unlinkSync(filler);
      expect(vault.admission()).toMatchObject({ open: false, reason: 'VAULT_DISK_LOW' });
      const after = await commit(1001);
      expect(after).toMatchObject({ ok: true });
      expect((await vault.status()).counts).toMatchObject({ pending: stored.length + 1 });
    } finally {
      await vault.stop();
    }
  });
});
