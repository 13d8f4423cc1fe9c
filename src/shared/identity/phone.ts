// Indonesian mobile numbers, as citizens write them: 0812…, +62 812…, 62812….
// Mobile numbers have the national prefix 8 followed by 8 to 11 more digits
// (ITU-T E.164 country code 62; national significant number 9 to 12 digits).

/** Why a phone number is refused (INVALID_PHONE's reasons). */
export const phoneRejections = ['empty', 'characters', 'not_indonesian', 'not_mobile', 'too_short', 'too_long'] as const;
export type PhoneRejection = (typeof phoneRejections)[number];

export type PhoneCheck = { valid: true; e164: string } | { valid: false; reason: PhoneRejection };

export const PHONE_MIN_NSN = 9;
export const PHONE_MAX_NSN = 12;

/** Checks an Indonesian mobile number and normalises it to E.164 (+628…). */
export function checkPhone(input: string): PhoneCheck {
  // People group digits with spaces, dashes or dots; nothing else is allowed.
  const compact = input.trim().replace(/[\s.-]/g, '');
  if (compact.length === 0) return { valid: false, reason: 'empty' };
  if (!/^\+?[0-9]+$/.test(compact)) return { valid: false, reason: 'characters' };

  let nsn: string;
  if (compact.startsWith('+62')) nsn = compact.slice(3);
  else if (compact.startsWith('+')) return { valid: false, reason: 'not_indonesian' };
  else if (compact.startsWith('62')) nsn = compact.slice(2);
  else if (compact.startsWith('0')) nsn = compact.slice(1);
  else return { valid: false, reason: 'not_indonesian' };

  // "+62 0812…" is a common mistake; the 0 is the trunk prefix, not part of the number.
  if (nsn.startsWith('0')) nsn = nsn.slice(1);
  if (nsn.length > 0 && !nsn.startsWith('8')) return { valid: false, reason: 'not_mobile' };
  if (nsn.length < PHONE_MIN_NSN) return { valid: false, reason: 'too_short' };
  if (nsn.length > PHONE_MAX_NSN) return { valid: false, reason: 'too_long' };
  return { valid: true, e164: `+62${nsn}` };
}
