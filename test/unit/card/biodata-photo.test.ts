import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { biodataFields, formatBiodataRecord, parseBiodataRecord } from '../../../src/core/card/ektp/biodata';
import { declaredLength, parseImage, sniffImageFormat } from '../../../src/core/card/ektp/photo';
import { placeholderJpeg, testIdentities } from '../../../src/core/card/emulator/identities';
import { CardError } from '../../../src/core/card/errors';

const record = (patch: Partial<Record<(typeof biodataFields)[number], string>> = {}) =>
  formatBiodataRecord({ ...testIdentities[0]!, ...patch });
const ascii = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof CardError) return error.code;
    throw error;
  }
  return 'ok';
}

describe('biodata record', () => {
  it('reads all 21 fields, typed', () => {
    const biodata = parseBiodataRecord(record());
    expect(biodata).toMatchObject({
      nik: '3174054208900001',
      name: 'SITI RAHMAWATI',
      dateOfBirth: '1990-08-02',
      sex: 'female',
      bloodType: 'O',
      citizenship: 'WNI',
      validUntil: 'lifetime',
      issueDate: '2019-03-14',
      province: 'DKI JAKARTA',
    });
    expect(Object.keys(biodata).sort()).toEqual([...biodataFields].sort());
    expect(parseBiodataRecord(formatBiodataRecord(testIdentities[2]!)).bloodType).toBe('unknown');
  });

  it.each([
    ['an empty file', new Uint8Array(0), 'MALFORMED'],
    ['missing quotes', ascii(new TextDecoder().decode(record()).slice(1)), 'MALFORMED'],
    ['20 fields', ascii(`"${Array(20).fill('A').join('","')}"`), 'MALFORMED'],
    ['22 fields', ascii(`"${Array(22).fill('A').join('","')}"`), 'MALFORMED'],
    ['a non-ASCII byte', Uint8Array.of(...record().subarray(0, 30), 0xc3, 0xa9, ...record().subarray(30)), 'MALFORMED'],
    ['a NUL byte', Uint8Array.of(...record().subarray(0, 30), 0x00, ...record().subarray(30)), 'MALFORMED'],
    ['a NIK of 15 digits', record({ nik: '317405420890000' }), 'MALFORMED'],
    ['a date that does not exist', record({ dateOfBirth: '31-02-1990' }), 'MALFORMED'],
    ['a date in another format', record({ dateOfBirth: '1990-08-02' }), 'MALFORMED'],
    ['an unknown sex', record({ sex: 'X' }), 'MALFORMED'],
    ['a stray quote', record({ name: 'SITI "RAHMA"' }), 'MALFORMED'],
    ['a record past the cap', new Uint8Array(4096).fill(0x41), 'TOO_LARGE'],
  ])('refuses %s', (_name, bytes, code) => {
    expect(codeOf(() => parseBiodataRecord(bytes))).toBe(code);
  });

  it('answers any bytes, or any mutation of a good record, with a record or a CardError (property)', () => {
    const good = record();
    const mutation = fc.record({ at: fc.nat(good.length - 1), byte: fc.integer({ min: 0, max: 255 }), cut: fc.nat(good.length) });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 3000 }).map((bytes) => ({ bytes })),
          mutation.map(({ at, byte, cut }) => ({ bytes: Uint8Array.from(good.subarray(0, cut)).map((b, i) => (i === at ? byte : b)) })),
        ),
        ({ bytes }) => {
          expect(['ok', 'MALFORMED', 'TOO_LARGE']).toContain(codeOf(() => parseBiodataRecord(bytes)));
        },
      ),
    );
  });

  it('names the field, never the value, in its errors', () => {
    try {
      parseBiodataRecord(record({ dateOfBirth: '99-99-1990' }));
    } catch (error) {
      expect((error as Error).message).toBe('Biodata field dateOfBirth is not a real date.');
      expect((error as Error).message).not.toContain('1990');
    }
  });
});

describe('photo container', () => {
  it('recognises JPEG, JPEG 2000 codestreams and JP2 files', () => {
    expect(sniffImageFormat(placeholderJpeg(100, 'x'))).toBe('jpeg');
    expect(sniffImageFormat(Uint8Array.of(0xff, 0x4f, 0xff, 0x51, 0, 0))).toBe('jpeg2000');
    expect(sniffImageFormat(Uint8Array.of(0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a, 0))).toBe('jpeg2000');
    expect(sniffImageFormat(Uint8Array.of(0x89, 0x50, 0x4e, 0x47))).toBeUndefined();
  });

  it('refuses zero, oversized and truncated photos', () => {
    expect(codeOf(() => declaredLength(Uint8Array.of(0, 0), 1000, 'photo'))).toBe('MALFORMED');
    expect(codeOf(() => declaredLength(Uint8Array.of(0xff, 0xff), 32768, 'photo'))).toBe('TOO_LARGE');
    expect(codeOf(() => declaredLength(Uint8Array.of(0x01), 1000, 'photo'))).toBe('MALFORMED');
    expect(declaredLength(Uint8Array.of(0x3a, 0x98, 1, 2), 32768, 'photo')).toBe(15000);
    const jpeg = placeholderJpeg(500, 'y');
    expect(codeOf(() => parseImage(jpeg.subarray(0, 400), 'photo'))).toBe('MALFORMED');
    expect(parseImage(jpeg, 'photo').format).toBe('jpeg');
    expect(codeOf(() => parseImage(Uint8Array.of(1, 2, 3), 'photo'))).toBe('MALFORMED');
  });
});
