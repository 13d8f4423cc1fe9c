// The TPM 2.0 key provider against a real TPM implementation (swtpm, the
// software TPM Debian ships), through tpm2-tools: the root secret is sealed
// on first use, unsealed on the next start, useless with another TPM, and
// never written in clear.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTpmKeyProvider, KEYS_FOLDER, openVault, TPM_PRIVATE_FILE, TPM_PUBLIC_FILE } from '../../../src/core/vault';
import { memoryLogger } from '../../support/memoryLog';
import { startSwtpm, swtpmMissing, type RunningSwtpm } from '../../support/swtpm';
import { sampleEnrollment, testUpstream } from '../../support/vault';

const missing = swtpmMissing();
const dir = mkdtempSync(join(tmpdir(), 'booth-tpm-vault-'));
let tpm: RunningSwtpm | undefined;

beforeAll(async () => {
  if (!missing) tpm = await startSwtpm();
}, 20_000);
afterAll(async () => {
  await tpm?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(missing !== null)(`TPM key provider${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('seals a new root secret, unseals the same one on the next start, and keeps no copy in clear', { timeout: 60_000 }, async () => {
    const keysDir = join(dir, 'first', KEYS_FOLDER);
    const provider = createTpmKeyProvider({ keysDir, tcti: tpm!.tcti });
    expect(provider.warning).toBeNull();
    const made = await provider.rootSecret();
    expect(made).toMatchObject({ ok: true, created: true });
    if (!made.ok) return;
    expect(made.root).toHaveLength(32);
    expect(readdirSync(keysDir).sort()).toEqual([TPM_PRIVATE_FILE, TPM_PUBLIC_FILE].sort());
    for (const file of [TPM_PRIVATE_FILE, TPM_PUBLIC_FILE]) expect(readFileSync(join(keysDir, file)).includes(made.root)).toBe(false);
    // A second start: a new provider object, as after a reboot.
    const again = await createTpmKeyProvider({ keysDir, tcti: tpm!.tcti }).rootSecret();
    expect(again).toMatchObject({ ok: true, created: false });
    if (again.ok) expect(again.root.equals(made.root)).toBe(true);
  });

  it('opens the vault with TPM-sealed keys, and another TPM cannot unseal them', { timeout: 60_000 }, async () => {
    const vaultDir = join(dir, 'vault');
    const upstream = testUpstream();
    const open = (tcti: string) =>
      openVault({
        dir: vaultDir,
        keyProvider: createTpmKeyProvider({ keysDir: join(vaultDir, KEYS_FOLDER), tcti }),
        upstreamKey: upstream.key,
        boothId: 'BOOTH-TEST-01',
        logger: memoryLogger().logger,
        minFreeBytes: 1,
        retentionMs: 0,
      });
    const vault = await open(tpm!.tcti);
    const sample = sampleEnrollment(9);
    expect(
      await vault.commit({
        kind: 'enrollment',
        about: null,
        nik: sample.citizen.nik,
        content: (id) => ({ ...sample.content, enrollmentId: id }),
      }),
    ).toMatchObject({ ok: true });
    expect(await vault.status()).toMatchObject({ state: 'ready', keyProvider: 'tpm', keyWarning: null });
    await vault.stop();

    // The disk moved to another booth (another TPM): its sealed key does not load there.
    const other = await startSwtpm();
    try {
      const elsewhere = await open(other.tcti);
      const status = await elsewhere.status();
      expect(status).toMatchObject({ state: 'unavailable', unavailable: { reason: 'KEY_UNREADABLE' } });
      expect(status.unavailable?.message).toMatch(/TPM did not unseal/);
    } finally {
      await other.stop();
    }
    // Back on its own TPM, the same vault opens with what it held.
    const back = await open(tpm!.tcti);
    expect((await back.status()).counts).toMatchObject({ pending: 1 });
    await back.stop();
  });

  it('says the TPM is unreachable when nothing answers at the TCTI, without making keys', async () => {
    const keysDir = join(dir, 'unreachable', KEYS_FOLDER);
    const result = await createTpmKeyProvider({ keysDir, tcti: 'swtpm:host=127.0.0.1,port=9', commandTimeoutMs: 5_000 }).rootSecret();
    expect(result).toMatchObject({ ok: false, reason: 'KEY_STORE_UNAVAILABLE' });
    if (!result.ok) expect(result.message).toMatch(/tpm2_createprimary failed/);
  });
});
