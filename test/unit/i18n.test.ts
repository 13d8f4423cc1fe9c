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

  it('use one term per thing in Bahasa Indonesia, and no ampersand in either language', () => {
    // The glossary the booth follows (issue 11): the desk is "loket pelayanan", liveness is "pemeriksaan keaslian wajah".
    const wrong: Array<[RegExp, string]> = [
      [/loket layanan/i, 'loket pelayanan'],
      [/keaktifan/i, 'pemeriksaan keaslian wajah'],
    ];
    for (const [key, text] of Object.entries(catalogues.id)) {
      for (const [pattern, term] of wrong) expect(text, `${key}: say "${term}"`).not.toMatch(pattern);
      expect(text, key).not.toContain('&');
    }
    for (const [key, text] of Object.entries(catalogues.en)) expect(text, key).not.toContain('&');
    // The two consent answers read as a pair.
    expect([catalogues.id['consent.accept'], catalogues.id['consent.decline']]).toEqual(['Saya setuju', 'Saya tidak setuju']);
  });

  it('fills placeholders', () => {
    expect(translator('id')('common.step', { current: 3, total: 10 })).toBe('Langkah 3 dari 10');
    expect(translator('en')('card.error.REJECTED', { attempts: 2 })).toMatch(/Attempts left: 2\.$/);
  });
});
