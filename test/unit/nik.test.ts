import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkNik, groupNik, maskNik } from '../../src/shared/identity/nik';
import { provinceCodes } from '../../src/shared/identity/provinces';

const today = new Date('2026-11-22T00:00:00Z');

describe('checkNik', () => {
  it('accepts a well-formed NIK and reads its facts', () => {
    const check = checkNik('3174054208900001', today);
    expect(check).toEqual({
      valid: true,
      facts: {
        provinceCode: '31',
        provinceName: 'DKI Jakarta',
        regencyCode: '74',
        districtCode: '05',
        sex: 'female',
        birthDate: '1990-08-02',
        serial: '0001',
      },
    });
    expect(checkNik('3273011503850002', today)).toMatchObject({ valid: true, facts: { sex: 'male', birthDate: '1985-03-15' } });
  });

  it.each([
    ['', 'empty'],
    ['31740542089000a1', 'not_digits'],
    ['3174 0542 0890 0001', 'not_digits'],
    ['317405420890001', 'too_short'],
    ['31740542089000011', 'too_long'],
    ['9974054208900001', 'province'],
    ['2074054208900001', 'province'],
    ['3100054208900001', 'regency'],
    ['3174004208900001', 'district'],
    ['3174050008900001', 'birth_date'], // day 00
    ['3174053208900001', 'birth_date'], // day 32 (a man's day cannot pass 31)
    ['3174057208900001', 'birth_date'], // day 72 − 40 = 32
    ['3174051513900001', 'birth_date'], // month 13
    ['3174053102900001', 'birth_date'], // 31 February
    ['3174052902010001', 'birth_date'], // 29 Feb 2001: not a leap year
    ['3174054208900000', 'serial'],
  ])('%s is refused for %s', (nik, reason) => {
    expect(checkNik(nik, today)).toEqual({ valid: false, reason });
  });

  it('accepts 29 February of a leap year, and the century that is not in the future', () => {
    expect(checkNik('3174052902000001', today)).toMatchObject({ valid: true, facts: { birthDate: '2000-02-29' } });
    expect(checkNik('3174050101260001', today)).toMatchObject({ valid: true, facts: { birthDate: '2026-01-01' } });
    // 1 Dec '26 is still ahead of today, so it must be 1926.
    expect(checkNik('3174050112260001', today)).toMatchObject({ valid: true, facts: { birthDate: '1926-12-01' } });
  });

  it('never throws and accepts only 16-digit strings (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (input) => {
        const check = checkNik(input, today);
        if (check.valid) expect(input).toMatch(/^\d{16}$/);
      }),
    );
  });

  it('accepts every NIK built from a real province, a real date and a non-zero serial (property)', () => {
    const provinces = Object.keys(provinceCodes);
    fc.assert(
      fc.property(
        fc.constantFrom(...provinces),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 1, max: 99 }),
        fc.date({ min: new Date('1930-01-01T00:00:00Z'), max: new Date('2010-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.boolean(),
        fc.integer({ min: 1, max: 9999 }),
        (province, regency, district, birth, female, serial) => {
          const day = birth.getUTCDate() + (female ? 40 : 0);
          const pad = (n: number, width = 2) => String(n).padStart(width, '0');
          const nik = `${province}${pad(regency)}${pad(district)}${pad(day)}${pad(birth.getUTCMonth() + 1)}${pad(birth.getUTCFullYear() % 100)}${pad(serial, 4)}`;
          const check = checkNik(nik, today);
          expect(check.valid).toBe(true);
          if (check.valid) {
            expect(check.facts.birthDate).toBe(birth.toISOString().slice(0, 10));
            expect(check.facts.sex).toBe(female ? 'female' : 'male');
          }
        },
      ),
    );
  });
});

describe('NIK display', () => {
  it('groups in fours and masks all but the province and the last two digits', () => {
    expect(groupNik('3174054208900001')).toBe('3174 0542 0890 0001');
    expect(groupNik('31740')).toBe('3174 0');
    expect(maskNik('3174054208900001')).toBe('31************01');
  });
});
