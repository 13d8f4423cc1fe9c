// The sealed record: sealed by the booth's own HPKE code and opened by an
// independent implementation (@hpke/core), bound to its id, and signed so
// that any changed byte is caught before it could be sent as valid.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  cbor,
  checkSealedRecord,
  ed25519FromSeed,
  sealRecord,
  uuidv7,
  UUIDV7_PATTERN,
  x25519PublicKey,
  type SealedRecord,
} from '../../../src/core/vault';
import { createPublicKey } from 'node:crypto';
import { openRecordContent, sampleEnrollment, testUpstream } from '../../support/vault';

const upstream = testUpstream();
const signing = ed25519FromSeed(Buffer.alloc(32, 7));
const boothPublic = createPublicKey(signing);
const keys = { recipient: x25519PublicKey(upstream.key.publicKey), recipientKeyId: upstream.key.id, signing };

function sealSample(seed = 1, kind: 'enrollment' | 'signoff' = 'enrollment', about: string | null = null) {
  const id = uuidv7();
  const { content } = sampleEnrollment(seed, id);
  const bytes = sealRecord({ id, kind, about, boothId: 'BOOTH-TEST-01', createdAt: '2026-12-01T08:03:01.100Z' }, content, keys);
  return { id, bytes, content };
}

describe('sealed record', () => {
  it('opens with the upstream key through @hpke/core and gives back the content', async () => {
    const { id, bytes, content } = sealSample();
    const checked = checkSealedRecord(bytes, boothPublic);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.record).toMatchObject({
      v: 1,
      id,
      kind: 'enrollment',
      about: null,
      boothId: 'BOOTH-TEST-01',
      recipientKeyId: upstream.key.id,
    });
    expect(UUIDV7_PATTERN.test(id)).toBe(true);
    const opened = (await openRecordContent(checked.record, upstream)) as typeof content;
    expect(opened.citizen).toEqual(content.citizen);
    expect(Buffer.from(opened.chip.photo.bytes).equals(Buffer.from(content.chip.photo.bytes))).toBe(true);
    expect(opened.face.crops).toHaveLength(3);
  });

  it('holds no personal data outside the ciphertext', () => {
    const { bytes } = sealSample(5);
    const { citizen } = sampleEnrollment(5);
    const text = Buffer.from(bytes);
    for (const value of [citizen.nik, citizen.name, citizen.email, citizen.phone]) expect(text.includes(value)).toBe(false);
    expect(text.includes(citizen.photoFingerprint)).toBe(false);
  });

  it('cannot be opened under another id: the id is bound as associated data', async () => {
    const { bytes } = sealSample();
    const record = cbor.decode(bytes) as SealedRecord;
    await expect(openRecordContent({ ...record, id: uuidv7() }, upstream)).rejects.toThrow();
    await expect(openRecordContent({ ...record, kind: 'signoff' }, upstream)).rejects.toThrow();
  });

  it('cannot be opened with another upstream key', async () => {
    const { bytes } = sealSample();
    const record = cbor.decode(bytes) as SealedRecord;
    await expect(openRecordContent(record, testUpstream('other'))).rejects.toThrow();
  });

  it('reports every single flipped byte, in the header, the ciphertext and the signature', () => {
    const id = uuidv7();
    // A small content keeps the exhaustive sweep quick; every byte of the record is flipped once.
    const bytes = sealRecord(
      { id, kind: 'signoff', about: uuidv7(), boothId: 'BOOTH-TEST-01', createdAt: '2026-12-01T09:00:00.000Z' },
      { signedOffBy: 'officer-7', at: 1 },
      keys,
    );
    expect(checkSealedRecord(bytes, boothPublic).ok).toBe(true);
    const problems = new Set<string>();
    for (let i = 0; i < bytes.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const tampered = Uint8Array.from(bytes);
        tampered[i]! ^= mask;
        const checked = checkSealedRecord(tampered, boothPublic);
        expect(checked.ok, `byte ${i} ^ ${mask}`).toBe(false);
        if (!checked.ok) problems.add(checked.problem);
      }
    }
    expect([...problems].sort()).toEqual(['BAD_SHAPE', 'BAD_SIGNATURE', 'NOT_CBOR'].filter((p) => problems.has(p)).sort());
    expect(problems.has('BAD_SIGNATURE')).toBe(true);
  });

  it('refuses the same fields in another order: a record has one encoding, so its bytes can be compared and hashed', () => {
    const { bytes } = sealSample();
    const record = cbor.decode(bytes) as Record<string, unknown>;
    const reversed = Object.fromEntries(Object.entries(record).reverse());
    expect(checkSealedRecord(cbor.encode(reversed), boothPublic)).toMatchObject({ ok: false, problem: 'BAD_SHAPE' });
  });

  it('is refused when signed by another booth', () => {
    const { bytes } = sealSample();
    const other = generateKeyPairSync('ed25519').publicKey;
    expect(checkSealedRecord(bytes, other)).toMatchObject({ ok: false, problem: 'BAD_SIGNATURE' });
  });

  it('refuses a record whose shape is not version 1 (extra field, missing link, truncated)', () => {
    const { bytes } = sealSample();
    const record = cbor.decode(bytes) as Record<string, unknown>;
    expect(checkSealedRecord(cbor.encode({ ...record, extra: 1 }), boothPublic)).toMatchObject({ ok: false, problem: 'BAD_SHAPE' });
    expect(checkSealedRecord(cbor.encode({ ...record, kind: 'signoff' }), boothPublic)).toMatchObject({ ok: false, problem: 'BAD_SHAPE' });
    expect(checkSealedRecord(bytes.subarray(0, bytes.length - 10), boothPublic).ok).toBe(false);
    expect(checkSealedRecord(new Uint8Array(), boothPublic).ok).toBe(false);
  });
});

describe('uuidv7', () => {
  it('sorts by creation time and carries version 7', () => {
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000].map((t) => uuidv7(t));
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(UUIDV7_PATTERN.test(id)).toBe(true);
    expect(ids[0]!.slice(0, 13)).toBe('018bcfe5-6800');
  });
});
