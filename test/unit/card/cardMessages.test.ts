// Every way a card read can fail reaches the citizen with its own message and
// next step, in both languages; only the booth's own faults share "the reader
// has a problem".
import { describe, expect, it } from 'vitest';
import { cardErrorCodes } from '../../../src/core/card/errors';
import { catalogues } from '../../../src/renderer/i18n';
import { cardProblemKey } from '../../../src/renderer/screens/cardProblem';

const boothFaults = ['NO_READER', 'SAM_MISSING', 'SAM_LOCKED'];
const cardFaults = cardErrorCodes.filter((code) => !boothFaults.includes(code));

describe('card problem messages', () => {
  it.each(cardFaults)('%s has a message of its own', (code) => {
    expect(cardProblemKey(code)).toBe(`card.error.${code}`);
  });

  it("only the booth's own faults say the reader has a problem", () => {
    for (const code of boothFaults) expect(cardProblemKey(code)).toBe('card.error.READER');
    expect(cardProblemKey('SOMETHING_NEW')).toBe('card.error.READER');
  });

  it.each(['id', 'en'] as const)("no two card faults share a message, and none is the reader's (%s)", (language) => {
    const texts = cardFaults.map((code) => catalogues[language][cardProblemKey(code)]);
    expect(new Set(texts).size).toBe(cardFaults.length);
    expect(texts).not.toContain(catalogues[language]['card.error.READER']);
  });

  it('tells the citizen what to do next for a bad card', () => {
    const en = (code: string) => catalogues.en[cardProblemKey(code)];
    const id = (code: string) => catalogues.id[cardProblemKey(code)];
    // Placing the card again starts the next read by itself (the card step watches the reader).
    for (const code of ['MALFORMED', 'TIMEOUT']) {
      expect(en(code)).toMatch(/place it flat on the reader again; reading starts by itself/);
      expect(id(code)).toMatch(/letakkan lagi dengan rata di pembaca; pembacaan dimulai dengan sendirinya/);
    }
    for (const code of ['TOO_LARGE', 'UNREADABLE_CARD', 'ENDLESS_MORE_DATA', 'AUTH_FAILED']) {
      expect(en(code)).toContain('Dukcapil service desk');
      expect(id(code)).toContain('loket pelayanan Dukcapil');
    }
  });

  it('a read still holding the reader (BUSY, STILL_READING) asks the citizen to lift the card and wait, not that the reader is broken', () => {
    expect(cardProblemKey('STILL_READING')).toBe('card.error.STILL_READING');
    for (const language of ['id', 'en'] as const) {
      const text = catalogues[language][cardProblemKey('STILL_READING')];
      expect(text).not.toBe(catalogues[language]['card.error.READER']);
      expect(text).not.toBe(catalogues[language]['card.error.TIMEOUT']);
    }
    expect(catalogues.en[cardProblemKey('STILL_READING')]).toMatch(/Lift your e-KTP, wait a moment, then put it back/);
    expect(catalogues.id[cardProblemKey('STILL_READING')]).toMatch(/Angkat e-KTP, tunggu sebentar, lalu letakkan lagi/);
  });
});
