// Export for a booth that stays offline: the unacknowledged records leave
// as they are stored (sealed, signed), with a signed manifest and
// checksums; reading the export back checks every signature and every
// byte, and names what was changed.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkExport,
  createDevelopmentKeyProvider,
  exportVault,
  KEYS_FOLDER,
  openVault,
  type ManifestEntry,
} from '../../../src/core/vault';
import { memoryLogger } from '../../support/memoryLog';
import { openRecordContent, sampleEnrollment, testUpstream } from '../../support/vault';

const dir = mkdtempSync(join(tmpdir(), 'booth-export-'));
const vaultDir = join(dir, 'vault');
const upstream = testUpstream();
const keyProvider = () => createDevelopmentKeyProvider({ keysDir: join(vaultDir, KEYS_FOLDER), passphrase: 'export test' });
const committed: string[] = [];
let acknowledgedId = '';

beforeAll(async () => {
  const vault = await openVault({
    dir: vaultDir,
    keyProvider: keyProvider(),
    upstreamKey: upstream.key,
    boothId: 'BOOTH-TEST-01',
    logger: memoryLogger().logger,
    minFreeBytes: 1,
    retentionMs: 60_000,
  });
  for (let seed = 1; seed <= 5; seed++) {
    const sample = sampleEnrollment(seed);
    const result = await vault.commit({
      kind: 'enrollment',
      about: null,
      nik: sample.citizen.nik,
      content: (id) => ({ ...sample.content, enrollmentId: id }),
    });
    if (!result.ok) throw new Error(result.message);
    committed.push(result.id);
  }
  const signoff = await vault.commit({ kind: 'signoff', about: committed[0]!, nik: null, content: () => ({ officer: 'test' }) });
  if (!signoff.ok) throw new Error(signoff.message);
  committed.push(signoff.id);
  // One is acknowledged by the upstream already: it stays home.
  acknowledgedId = committed[1]!;
  expect(
    (
      await vault.writer!.call('acknowledge', {
        id: acknowledgedId,
        acknowledgement: Buffer.from('ack'),
        now: Date.now(),
        retentionMs: 60_000,
      })
    ).ok,
  ).toBe(true);
  await vault.stop();
}, 30_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function freshExport() {
  const exported = await exportVault({
    dir: vaultDir,
    keyProvider: keyProvider(),
    boothId: 'BOOTH-TEST-01',
    to: mkdtempSync(join(dir, 'out-')),
  });
  if (!exported.ok) throw new Error(exported.message);
  return exported;
}

describe('vault export', () => {
  it('writes every unacknowledged record, and reading it back checks every signature and checksum', async () => {
    const exported = await freshExport();
    expect(exported.manifest.records.map((r: ManifestEntry) => r.id).sort()).toEqual(
      committed.filter((id) => id !== acknowledgedId).sort(),
    );
    const checked = checkExport(exported.folder);
    expect(checked.problems).toEqual([]);
    expect(checked.ok).toBe(true);
    expect(checked.valid).toHaveLength(5);
    const sums = readFileSync(join(exported.folder, 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(sums).toHaveLength(5);
    // Still sealed to the upstream: it opens the enrollments with its key, and nobody else can.
    const enrollment = checked.valid.find((v) => v.entry.kind === 'enrollment')!;
    const { checkSealedRecord, ed25519PublicKey } = await import('../../../src/core/vault');
    const record = checkSealedRecord(enrollment.sealed, ed25519PublicKey(Buffer.from(exported.manifest.boothPublicKey, 'base64url')));
    if (!record.ok) throw new Error(record.message);
    const content = (await openRecordContent(record.record, upstream)) as { enrollmentId: string };
    expect(content.enrollmentId).toBe(enrollment.entry.id);
    const signoff = checked.valid.find((v) => v.entry.kind === 'signoff')!;
    expect(signoff.entry.about).toBe(committed[0]);
  });

  it('names a changed record, a changed manifest, a missing file and an unfinished export', async () => {
    const exported = await freshExport();
    const [first, second] = exported.manifest.records;
    const file = join(exported.folder, first!.file);
    const bytes = readFileSync(file);
    bytes[bytes.length - 5]! ^= 0x01;
    writeFileSync(file, bytes);
    unlinkSync(join(exported.folder, second!.file));
    let checked = checkExport(exported.folder);
    expect(checked.ok).toBe(false);
    expect(checked.valid).toHaveLength(3);
    expect(checked.problems).toEqual([`${first!.file}: its checksum does not match the manifest`, `${second!.file}: missing`]);

    appendFileSync(join(exported.folder, 'manifest.json'), ' ');
    checked = checkExport(exported.folder);
    expect(checked.problems).toContain("manifest.json.sig: the booth's signature does not match manifest.json");

    unlinkSync(join(exported.folder, 'manifest.json'));
    checked = checkExport(exported.folder);
    expect(checked).toMatchObject({ ok: false, valid: [] });
    expect(checked.problems[0]).toMatch(/an export that did not finish/);
  });

  it('refuses a record re-signed by no booth key it trusts', async () => {
    const exported = await freshExport();
    const { generateKeyPairSync } = await import('node:crypto');
    const checked = checkExport(exported.folder, generateKeyPairSync('ed25519').publicKey);
    expect(checked.ok).toBe(false);
    expect(checked.valid).toEqual([]);
    expect(checked.problems).toHaveLength(6);
  });

  it('says so when there is no vault, without making keys', async () => {
    const empty = join(dir, 'no-vault');
    const result = await exportVault({
      dir: empty,
      keyProvider: createDevelopmentKeyProvider({ keysDir: join(empty, KEYS_FOLDER), passphrase: 'x' }),
      boothId: 'B',
      to: dir,
    });
    expect(result).toMatchObject({ ok: false, reason: 'NO_VAULT' });
  });
});
