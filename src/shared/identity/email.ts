// Email syntax for the activation code: the practical subset of RFC 5321/5322
// that mail providers accept, not the full grammar (quoted local parts and
// IP-literal domains are refused on purpose: no citizen's inbox uses them).

/** Why an email address is refused (INVALID_EMAIL's reasons). */
export const emailRejections = ['empty', 'too_long', 'no_at', 'many_at', 'local_part', 'domain', 'top_level_domain', 'spaces'] as const;
export type EmailRejection = (typeof emailRejections)[number];

export type EmailCheck = { valid: true; email: string } | { valid: false; reason: EmailRejection };

export const EMAIL_MAX_LENGTH = 254; // RFC 5321 §4.5.3.1.3 path limit less the brackets

const localPart = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const domainLabel = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Checks and normalises (trims, lower-cases) an email address. */
export function checkEmail(input: string): EmailCheck {
  const email = input.trim().toLowerCase();
  if (email.length === 0) return { valid: false, reason: 'empty' };
  if (/\s/.test(email)) return { valid: false, reason: 'spaces' };
  if (email.length > EMAIL_MAX_LENGTH) return { valid: false, reason: 'too_long' };
  const at = email.split('@');
  if (at.length === 1) return { valid: false, reason: 'no_at' };
  if (at.length > 2) return { valid: false, reason: 'many_at' };
  const [local, domain] = at as [string, string];
  if (local.length === 0 || local.length > 64 || !localPart.test(local)) return { valid: false, reason: 'local_part' };
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => domainLabel.test(label))) return { valid: false, reason: 'domain' };
  const tld = labels[labels.length - 1] as string;
  if (!/^[a-z]{2,63}$/.test(tld)) return { valid: false, reason: 'top_level_domain' };
  return { valid: true, email };
}
