// Structural check of a NIK (Nomor Induk Kependudukan):
//   PP KK CC DDMMYY SSSS
//   PP province, KK regency/city, CC district, DDMMYY date of birth
//   (women add 40 to the day), SSSS serial within that place and date.
// Example: 3174 05 420890 0001 → DKI Jakarta (31), regency 74, district 05,
// a woman born 2 Aug 1990 (42 − 40 = 2), serial 0001.
// Only the structure is checked here; whether the NIK exists is Dukcapil's.
import { provinceCodes } from './provinces';

export const NIK_LENGTH = 16;

/** Why a NIK is refused (INVALID_NIK's reasons). */
export const nikRejections = [
  'empty',
  'not_digits',
  'too_short',
  'too_long',
  'province',
  'regency',
  'district',
  'birth_date',
  'serial',
] as const;
export type NikRejection = (typeof nikRejections)[number];

export interface NikFacts {
  provinceCode: string;
  provinceName: string;
  regencyCode: string;
  districtCode: string;
  sex: 'male' | 'female';
  /** ISO date (YYYY-MM-DD) of birth, century chosen so it is not in the future. */
  birthDate: string;
  serial: string;
}

export type NikCheck = { valid: true; facts: NikFacts } | { valid: false; reason: NikRejection };

/**
 * Checks a NIK's structure. `today` decides the century of the two-digit
 * birth year: the latest century that does not put the birth in the future.
 */
export function checkNik(input: string, today: Date = new Date()): NikCheck {
  if (input.length === 0) return { valid: false, reason: 'empty' };
  if (!/^[0-9]+$/.test(input)) return { valid: false, reason: 'not_digits' };
  if (input.length < NIK_LENGTH) return { valid: false, reason: 'too_short' };
  if (input.length > NIK_LENGTH) return { valid: false, reason: 'too_long' };

  const provinceCode = input.slice(0, 2);
  const provinceName = provinceCodes[provinceCode];
  if (provinceName === undefined) return { valid: false, reason: 'province' };
  const regencyCode = input.slice(2, 4);
  if (regencyCode === '00') return { valid: false, reason: 'regency' };
  const districtCode = input.slice(4, 6);
  if (districtCode === '00') return { valid: false, reason: 'district' };

  const encodedDay = Number(input.slice(6, 8));
  const month = Number(input.slice(8, 10));
  const yy = Number(input.slice(10, 12));
  const sex = encodedDay > 40 ? 'female' : 'male';
  const day = sex === 'female' ? encodedDay - 40 : encodedDay;
  const birth = resolveBirthDate(day, month, yy, today);
  if (birth === undefined) return { valid: false, reason: 'birth_date' };

  const serial = input.slice(12, 16);
  if (serial === '0000') return { valid: false, reason: 'serial' };

  return { valid: true, facts: { provinceCode, provinceName, regencyCode, districtCode, sex, birthDate: birth, serial } };
}

function resolveBirthDate(day: number, month: number, yy: number, today: Date): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const thisYear = today.getUTCFullYear();
  let year = Math.floor(thisYear / 100) * 100 + yy;
  let date = new Date(Date.UTC(year, month - 1, day));
  if (date.getTime() > today.getTime()) {
    year -= 100;
    date = new Date(Date.UTC(year, month - 1, day));
  }
  // Date rolls 31 April over to 1 May, and 29 February of a non-leap year
  // over to 1 March: a rolled date was not a real date.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}
/** "3174054208900001" → "3174 0542 0890 0001", for display only. */
export function groupNik(nik: string): string {
  return nik.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** Keeps the province and the last two digits: "31************01". */
export function maskNik(nik: string): string {
  if (nik.length <= 4) return '*'.repeat(nik.length);
  return nik.slice(0, 2) + '*'.repeat(nik.length - 4) + nik.slice(-2);
}
