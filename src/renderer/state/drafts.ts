// What the on-screen keyboards (and a paste, or a physical keyboard in the
// headless host) may put into each field. Pure, so every odd input sequence
// is easy to test: nothing typed can exceed a field's cap or hold a
// character the field does not accept.
import { EMAIL_MAX_LENGTH } from '../../shared/identity/email';

export type DraftField = 'email' | 'phone';
export type Drafts = Record<DraftField, string>;

export const emptyDrafts: Drafts = { email: '', phone: '' };

const rules: Record<DraftField, { max: number; allowed: RegExp }> = {
  email: { max: EMAIL_MAX_LENGTH, allowed: /[a-z0-9@._+-]/ },
  // "+62 812 3456 7890" without spaces is 14 characters; 16 leaves room for a typo to be seen.
  phone: { max: 16, allowed: /[0-9+]/ },
};

export interface DraftEdit {
  value: string;
  /** True when some input was dropped because the field was full. */
  limited: boolean;
}

/** Appends text (a key, a shortcut like ".co.id", or a paste), keeping only what the field accepts. */
export function appendToDraft(field: DraftField, current: string, text: string): DraftEdit {
  const { max, allowed } = rules[field];
  const normalised = field === 'email' ? text.toLowerCase() : text;
  let value = current.slice(0, max);
  let limited = current.length > max;
  for (const char of normalised.slice(0, 4 * max)) {
    if (!allowed.test(char)) continue;
    if (field === 'phone' && char === '+' && value.length > 0) continue; // + only leads
    if (value.length >= max) {
      limited = true;
      break;
    }
    value += char;
  }
  return { value, limited };
}

export function backspaceDraft(current: string): string {
  return current.slice(0, -1);
}
