import { describe, expect, it } from 'vitest';
import { catalogues, translator } from '../../src/renderer/i18n';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('message catalogues', () => {
  it('have the same keys in Bahasa Indonesia and English', () => {
    expect(Object.keys(catalogues.en).sort()).toEqual(Object.keys(catalogues.id).sort());
  });

  it('have no empty message, and the same placeholders in both languages', () => {
    for (const key of Object.keys(catalogues.id) as Array<keyof typeof catalogues.id>) {
      expect(catalogues.id[key].trim(), key).not.toBe('');
      expect(catalogues.en[key].trim(), key).not.toBe('');
      expect(placeholders(catalogues.en[key]), key).toEqual(placeholders(catalogues.id[key]));
    }
  });

  it('fills placeholders', () => {
    expect(translator('id')('common.step', { current: 3, total: 10 })).toBe('Langkah 3 dari 10');
    expect(translator('en')('nik.error.too_short', { count: 9 })).toBe('A NIK has 16 digits. You have entered 9.');
  });
});
