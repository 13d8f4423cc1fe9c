// What the tests need to play the upstream's part for the vault: an X25519
// key pair for the upstream, opening a sealed record with @hpke/core (an
// implementation independent of the booth's own sealer), and enrollments
// of realistic size whose personal data the stolen-disk test looks for.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BoothConfigInput } from '../../src/core/config';
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import {
  cbor,
  checkSealedRecord,
  createDevelopmentKeyProvider,
  HPKE_INFO,
  KEYS_FOLDER,
  openVaultReadOnly,
  rawX25519,
  recordAad,
  VaultStore,
  type OutboxRow,
  type SealedRecord,
  type UpstreamKey,
} from '../../src/core/vault';
import { seededRandom } from './seededRandom';

/** Commits the crash test's child makes at most before it stops by itself (test/support/vaultCommitLoop.ts). */
export const COMMIT_LOOP_MAX = 400;

export interface TestUpstream {
  key: UpstreamKey;
  privateKey: KeyObject;
}

export function testUpstream(id = 'test-upstream-1'): TestUpstream {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return { key: { id, publicKey: rawX25519(publicKey), demo: false }, privateKey };
}

/** The upstream every test booth of this process seals to (its private key opens what they stored). */
export const sharedTestUpstream = testUpstream('test-upstream');
/** The development passphrase of test booths. */
export const TEST_VAULT_PASSPHRASE = 'test booth vault passphrase';

const testVaultDirs: string[] = [];
process.once('exit', () => {
  for (const dir of testVaultDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * A test booth's vault section: a folder of its own (removed when the process ends), a 1 MB free-space threshold and
 * sharedTestUpstream's key. `overrides` replace any of it.
 */
export function testVaultConfig(overrides: BoothConfigInput['vault'] = {}): NonNullable<BoothConfigInput['vault']> {
  const dir = mkdtempSync(join(tmpdir(), 'booth-test-vault-'));
  testVaultDirs.push(dir);
  return {
    dir,
    minFreeMb: 1,
    keys: { provider: 'development', passphrase: TEST_VAULT_PASSPHRASE },
    upstreamKey: {
      id: sharedTestUpstream.key.id,
      publicKey: Buffer.from(sharedTestUpstream.key.publicKey).toString('base64url'),
      demo: false,
    },
    ...overrides,
  };
}

const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });

/** Opens a record's content as the upstream will (RFC 9180 OpenBase through @hpke/core); rejects when anything was changed. */
export async function openRecordContent(record: SealedRecord, upstream: TestUpstream): Promise<unknown> {
  const rawPrivate = Buffer.from(upstream.privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
  const recipientKey = await suite.kem.deserializePrivateKey(rawPrivate.buffer.slice(rawPrivate.byteOffset, rawPrivate.byteOffset + 32));
  const context = await suite.createRecipientContext({ recipientKey, enc: toArrayBuffer(record.enc), info: toArrayBuffer(HPKE_INFO) });
  const plaintext = await context.open(toArrayBuffer(record.ct), toArrayBuffer(recordAad(record)));
  return cbor.decode(new Uint8Array(plaintext));
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export interface SampleCitizen {
  nik: string;
  name: string;
  email: string;
  phone: string;
  /** 32 bytes from the middle of the chip photo: found anywhere on disk, the photo leaked. */
  photoFingerprint: Buffer;
}

/** A JPEG-looking picture of `size` bytes (random body between SOI and EOI; only its bytes matter to the vault). */
function pictureBytes(random: () => number, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = Math.floor(random() * 256);
  bytes.set([0xff, 0xd8, 0xff, 0xe0], 0);
  bytes.set([0xff, 0xd9], size - 2);
  return bytes;
}

/** The NIK of sample citizen `seed` (16 digits, Jakarta's 3171 prefix). */
export function sampleNik(seed: number): string {
  return `3171${String(100000000000 + seed).slice(-12)}`;
}

/**
 * An enrollment's content as the booth seals it (the shape of src/shared/upstream/enrollment.ts): two ~15 KB photos (chip and
 * full frame), three 320×320 crops of ~6 KB, the typed data and evidence. Deterministic in `seed`.
 */
export function sampleEnrollment(seed: number, enrollmentId = '00000000-0000-7000-8000-000000000000', photoBytes = 15_000) {
  const random = seededRandom(seed);
  const nik = sampleNik(seed);
  const citizen = {
    nik,
    name: `WARGA UJI NOMOR ${seed} BINTI SUSANTI`,
    email: `warga.uji.${seed}@contoh.go.id`,
    phone: `+62812${String(10000000 + seed).slice(-8)}`,
    language: 'id' as const,
  };
  const chipPhoto = pictureBytes(random, photoBytes);
  const content = {
    format: 'anjungan-ikd/enrollment/v1',
    enrollmentId,
    boothId: 'BOOTH-TEST-01',
    software: { version: '0.1.0', consentVersion: '2026-11-id-en-1' },
    times: {
      sessionStartedAt: '2026-12-01T08:00:00.000Z',
      capturedAt: '2026-12-01T08:03:00.000Z',
      matchedAt: '2026-12-01T08:03:01.000Z',
      sealedAt: '2026-12-01T08:03:01.100Z',
    },
    citizen,
    chip: {
      chipUid: '04a1b2c3d4e5f6',
      biodata: { nik, name: citizen.name, placeOfBirth: 'JAKARTA', dateOfBirth: '1960-08-17', address: `JL. MERDEKA NO. ${seed}` },
      photo: { format: 'jpeg', bytes: chipPhoto },
      signatureImage: null,
      samAuthenticated: true,
    },
    face: {
      crops: [0, 1, 2].map((i) => ({
        jpeg: pictureBytes(random, Math.round(photoBytes * 0.4)),
        width: 320,
        height: 320,
        quality: 0.9 - i / 100,
      })),
      fullFrame: { jpeg: pictureBytes(random, photoBytes), width: 640, height: 480 },
      liveness: { challenge: { id: 'c1', steps: ['turnLeft', 'closeEyes', 'turnRight'] }, steps: [{ action: 'turnLeft', ms: 900 }] },
      pictures: { yawDeg: [-20.5, 0.4, 21.1], openness: [0.97, 0.82, 0.99] },
      match: { decision: 'match', distances: [0.41, 0.43, 0.45], threshold: 0.6, rule: 'all' },
    },
  };
  const middle = Math.floor(photoBytes / 2);
  const fingerprint = Buffer.from(chipPhoto.subarray(middle, middle + 32));
  return { content, citizen: { ...citizen, photoFingerprint: fingerprint } satisfies SampleCitizen };
}

/**
 * What a test booth's vault holds, read as the test's own keys allow: the database opened with the development key of
 * TEST_VAULT_PASSPHRASE (read-only), each record checked against the booth's signature and opened with sharedTestUpstream.
 */
export async function readTestVault(dir: string): Promise<Array<{ row: OutboxRow; record: SealedRecord; content: unknown }>> {
  const opened = await openVaultReadOnly(
    dir,
    createDevelopmentKeyProvider({ keysDir: join(dir, KEYS_FOLDER), passphrase: TEST_VAULT_PASSPHRASE }),
  );
  if (!opened.ok) throw new Error(opened.message);
  const { keys } = opened;
  try {
    const store = new VaultStore(opened.db);
    const out = [];
    for (const row of store.rows()) {
      const checked = checkSealedRecord(store.sealed(row.id)!, keys.signingPublicKey);
      if (!checked.ok) throw new Error(checked.message);
      out.push({ row, record: checked.record, content: await openRecordContent(checked.record, sharedTestUpstream) });
    }
    return out;
  } finally {
    opened.db.close();
  }
}

/** Each record's stored acknowledgement (null until acknowledged) and sealed bytes (null once purged), read from a test booth's vault. */
export async function testVaultAcknowledgements(
  dir: string,
): Promise<Map<string, { state: OutboxRow['state']; acknowledgement: Buffer | null; sealed: Buffer | null }>> {
  const opened = await openVaultReadOnly(
    dir,
    createDevelopmentKeyProvider({ keysDir: join(dir, KEYS_FOLDER), passphrase: TEST_VAULT_PASSPHRASE }),
  );
  if (!opened.ok) throw new Error(opened.message);
  try {
    const rows = opened.db
      .prepare(
        'SELECT o.record_id AS id, o.state AS state, o.acknowledgement AS acknowledgement, r.sealed AS sealed FROM outbox o JOIN records r ON r.id = o.record_id',
      )
      .all() as Array<{ id: string; state: OutboxRow['state']; acknowledgement: Buffer | null; sealed: Buffer | null }>;
    return new Map(rows.map((row) => [row.id, { state: row.state, acknowledgement: row.acknowledgement, sealed: row.sealed }]));
  } finally {
    opened.db.close();
  }
}

/**
 * A test booth's configuration around `config`: debug logs, no MediaPipe warm-up unless a test asks (about 8 s of CPU per
 * page on a 2-core machine), a vault of its own, and no sync unless the test says where to (never the demo upstream's port).
 */
export function testBoothConfig(config: BoothConfigInput): BoothConfigInput {
  return {
    logging: { level: 'debug' },
    ...config,
    face: { warmUpFrames: 0, ...config.face },
    vault: testVaultConfig(config.vault),
    sync: config.sync ?? { upstreamUrl: null },
  };
}
