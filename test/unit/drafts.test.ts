import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendToDraft, backspaceDraft, type DraftField } from '../../src/renderer/state/drafts';

describe('field drafts', () => {
  it('keeps only what each field accepts', () => {
    expect(appendToDraft('email', '', 'Siti Rahma@Contoh.CO.ID')).toEqual({ value: 'sitirahma@contoh.co.id', limited: false });
    expect(appendToDraft('phone', '', '+62 812-3456+7890')).toEqual({ value: '+6281234567890', limited: false });
  });

  it('stops at the cap and says so', () => {
    expect(appendToDraft('phone', '081234567890123', '456')).toEqual({ value: '0812345678901234', limited: true });
    expect(appendToDraft('phone', '', '1'.repeat(40)).value).toHaveLength(16);
    expect(backspaceDraft('12')).toBe('1');
    expect(backspaceDraft('')).toBe('');
  });

  it('no sequence of keys, pastes and deletions breaks a field (property)', () => {
    const field = fc.constantFrom<DraftField>('email', 'phone');
    const action = fc.oneof(
      fc.string({ maxLength: 300 }).map((text) => ({ text })),
      fc.constant({ text: null }),
    );
    fc.assert(
      fc.property(field, fc.array(action, { maxLength: 200 }), (name, actions) => {
        let value = '';
        for (const { text } of actions) value = text === null ? backspaceDraft(value) : appendToDraft(name, value, text).value;
        const caps = { email: /^[a-z0-9@._+-]{0,254}$/, phone: /^\+?\d{0,16}$/ };
        expect(value).toMatch(caps[name]);
        if (name === 'phone') expect(value.length).toBeLessThanOrEqual(16);
      }),
    );
  });
});
