import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEmail } from '../../src/shared/identity/email';
import { checkPhone } from '../../src/shared/identity/phone';

describe('checkEmail', () => {
  it.each([
    ['siti.rahma@contoh.co.id', 'siti.rahma@contoh.co.id'],
    ['  Budi_Santoso+ikd@Gmail.COM ', 'budi_santoso+ikd@gmail.com'],
    ['a@b.id', 'a@b.id'],
  ])('accepts %s as %s', (input, email) => {
    expect(checkEmail(input)).toEqual({ valid: true, email });
  });

  it.each([
    ['', 'empty'],
    ['budi santoso@contoh.id', 'spaces'],
    ['budi', 'no_at'],
    ['budi@@contoh.id', 'many_at'],
    ['a@b@c.id', 'many_at'],
    ['.budi@contoh.id', 'local_part'],
    ['budi.@contoh.id', 'local_part'],
    ['bu..di@contoh.id', 'local_part'],
    ['@contoh.id', 'local_part'],
    ['budi@contoh', 'domain'],
    ['budi@-contoh.id', 'domain'],
    ['budi@contoh..id', 'domain'],
    ['budi@contoh.i', 'top_level_domain'],
    ['budi@contoh.123', 'top_level_domain'],
    [`${'a'.repeat(250)}@b.id`, 'too_long'],
    [`${'a'.repeat(65)}@b.id`, 'local_part'],
  ])('refuses %s for %s', (input, reason) => {
    expect(checkEmail(input)).toEqual({ valid: false, reason });
  });

  it('never throws; an accepted address is lower-case, trimmed and has one @ (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.emailAddress()), (input) => {
        const check = checkEmail(input);
        if (check.valid) {
          expect(check.email).toBe(check.email.trim().toLowerCase());
          expect(check.email.split('@')).toHaveLength(2);
        }
      }),
    );
  });
});

describe('checkPhone', () => {
  it.each([
    ['081234567890', '+6281234567890'],
    ['0812-3456-7890', '+6281234567890'],
    ['+62 812 3456 7890', '+6281234567890'],
    ['6281234567890', '+6281234567890'],
    ['+62 0812 3456 7890', '+6281234567890'],
    ['0811234567', '+62811234567'],
  ])('normalises %s to %s', (input, e164) => {
    expect(checkPhone(input)).toEqual({ valid: true, e164 });
  });

  it.each([
    ['', 'empty'],
    ['0812a4567890', 'characters'],
    ['+4420123456', 'not_indonesian'],
    ['812345678', 'not_indonesian'],
    ['0215550123', 'not_mobile'],
    ['+62 21 5550123', 'not_mobile'],
    ['0812345', 'too_short'],
    ['08123456789012', 'too_long'],
  ])('refuses %s for %s', (input, reason) => {
    expect(checkPhone(input)).toEqual({ valid: false, reason });
  });

  it('never throws; accepted numbers are +628 and 9 to 12 national digits (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30, unit: fc.constantFrom(...'0123456789+- .a') }), (input) => {
        const check = checkPhone(input);
        if (check.valid) expect(check.e164).toMatch(/^\+628\d{8,11}$/);
      }),
    );
  });
});
