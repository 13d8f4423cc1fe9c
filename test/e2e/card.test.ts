// The e-KTP step as a citizen meets it, in Chromium against the real host:
// the simulated serial reader (pseudo-terminal) for the outcomes, and the
// PC/SC path through the real pcscd with the virtual card behind vpcd.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { toHex } from '../../src/core/card/apdu/apdu';
import { createVirtualEktp } from '../../src/core/card/emulator';
import { CONTACTLESS_ATR, CONTACT_T1_ATR, insertVirtualCard, type VirtualCardConnection } from '../../src/core/card/emulator/vpcd';
import { catalogues } from '../../src/renderer/i18n';
import { openBrowser, type BrowserSession } from '../support/browser';
import { openBooth, screenshot, seriousAxeViolations, tap, typeOnKeys, waitForStep } from '../support/citizen';
import { startTestBooth, type TestBooth } from '../support/host';
import { startPcscd, VPCD_READERS, waitForCard, type RunningPcscd } from '../support/pcscd';
import { walkPageTo } from '../support/walkTo';

const cardProblem = (page: Page) => page.getByTestId('problem-card');

describe('e-KTP step with the simulated serial reader', () => {
  let booth: TestBooth;
  let browser: BrowserSession;

  beforeAll(async () => {
    booth = await startTestBooth({ devices: { card: { driver: 'emulated-serial', identity: 0, baudRate: 921600 } } });
    browser = await openBrowser({ width: 1920, height: 1080 });
  });
  afterAll(async () => {
    await browser?.close();
    await booth?.close();
  });

  // Each test starts from the welcome screen, with no session and SITI's card lying on the reader.
  beforeEach(async () => {
    booth.booth.session.wipe('cancel');
    const emulator = booth.booth.cardReader!.emulator!;
    emulator.removeDuring(null);
    emulator.place({ identity: 0 });
    await openBooth(browser.page, booth.host.launchUrl);
  });

  it.each(['id', 'en'] as const)(
    'a NIK that does not match the chip gets a clear message and a bounded number of tries (%s)',
    async (language) => {
      const page = browser.page;
      await walkPageTo(page, 'card', { nik: '3273011503850002', language }); // the card on the reader is SITI's, 3174…
      await tap(page, 'card-read');
      await expect.poll(() => cardProblem(page).textContent()).toContain(language === 'id' ? 'Sisa kesempatan: 2' : 'Attempts left: 2');
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, `landscape-${language}-09b-card-mismatch`);
      await tap(page, 'card-read');
      await expect.poll(() => cardProblem(page).textContent()).toContain(language === 'id' ? 'Sisa kesempatan: 1' : 'Attempts left: 1');
      await tap(page, 'card-read');
      // The core refers the citizen after the last attempt: one referral screen, worded from the reason.
      await waitForStep(page, 'referred');
      const reason = page.getByTestId('referral-reason');
      expect(await reason.getAttribute('data-reason')).toBe('nik-mismatch');
      expect(await reason.textContent()).toBe(catalogues[language]['referral.reason.nik-mismatch']);
      expect(await reason.textContent()).toContain(language === 'id' ? 'loket pelayanan Dukcapil' : 'Dukcapil service desk');
      expect(await page.locator('h1').textContent()).toBe(catalogues[language]['referral.title']);
      expect(await page.locator('[data-instruction]').getAttribute('data-instruction')).toBe('referral.title');
      expect(await page.getByTestId('card-read').count()).toBe(0);
      expect(await page.getByTestId('back').count()).toBe(0);
      expect(booth.booth.session.snapshot()).toMatchObject({ step: 'referred', referral: { reason: 'nik-mismatch' }, nik: undefined });
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, `landscape-${language}-09f-referred-nik-mismatch`);
      await tap(page, 'finish-erase');
      await waitForStep(page, 'attract');
      expect(booth.booth.session.snapshot()).toBeNull();
    },
  );

  it.each(['id', 'en'] as const)(
    'a card the SAM does not authenticate, three times, ends at the referral screen (%s)',
    async (language) => {
      booth.booth.session.wipe('cancel');
      const page = browser.page;
      const emulator = booth.booth.cardReader!.emulator!;
      emulator.place('not-genuine');
      try {
        await openBooth(page, booth.host.launchUrl);
        await walkPageTo(page, 'card', { language });
        for (let attempt = 0; attempt < 2; attempt++) {
          await tap(page, 'card-read');
          await expect.poll(() => cardProblem(page).textContent()).toBe(catalogues[language]['card.error.AUTH_FAILED']);
        }
        await tap(page, 'card-read');
        await waitForStep(page, 'referred');
        expect(await page.getByTestId('referral-reason').textContent()).toBe(catalogues[language]['referral.reason.card-not-genuine']);
        expect(await page.getByTestId('referral-code').textContent()).toContain('AUTH_FAILED');
        // The language can still be switched, to read why.
        await page.getByRole('button', { name: language === 'id' ? 'English' : 'Bahasa Indonesia' }).click();
        const other = language === 'id' ? 'en' : 'id';
        await expect
          .poll(() => page.getByTestId('referral-reason').textContent())
          .toBe(catalogues[other]['referral.reason.card-not-genuine']);
        await screenshot(page, `landscape-${other}-09g-referred-card-not-genuine`);
      } finally {
        emulator.place({ identity: 0 });
      }
    },
  );

  it('after a mismatch, "Check my NIK" goes back to the review; the corrected NIK reads fine', async () => {
    const page = browser.page;
    await walkPageTo(page, 'card', { nik: '3273011503850002', language: 'en' });
    await tap(page, 'card-read');
    await expect.poll(() => cardProblem(page).textContent()).toContain('Attempts left: 2');
    await tap(page, 'back');
    await waitForStep(page, 'review');
    await tap(page, 'review-edit-nik');
    await tap(page, 'key-clear');
    await typeOnKeys(page, '3174054208900001');
    await tap(page, 'next');
    await waitForStep(page, 'review');
    await tap(page, 'review-confirm');
    await tap(page, 'card-read');
    await page.getByTestId('chip-name').waitFor();
    expect(await page.getByTestId('chip-name').textContent()).toBe('SITI RAHMAWATI');
  });

  it.each(['id', 'en'] as const)('a card lifted mid-read asks to keep it on the reader, and the retry works (%s)', async (language) => {
    const page = browser.page;
    const emulator = booth.booth.cardReader!.emulator!;
    emulator.removeDuring('photo');
    await walkPageTo(page, 'card', { language });
    await tap(page, 'card-read');
    await expect
      .poll(() => cardProblem(page).textContent())
      .toContain(language === 'id' ? 'Biarkan e-KTP tetap di pembaca' : 'Keep it on the reader');
    await screenshot(page, `landscape-${language}-09c-card-removed`);
    emulator.removeDuring(null);
    emulator.place({ identity: 0 });
    await tap(page, 'card-read');
    await page.getByTestId('chip-name').waitFor();
    // Lifting the card after a good read loses nothing.
    emulator.place(null);
    await tap(page, 'card-confirm');
    await waitForStep(page, 'face');
    expect(booth.booth.steps.card.part.readout?.nik).toBe('3174054208900001');
  });

  it.each(['id', 'en'] as const)('a card that is not an e-KTP is named as such (%s)', async (language) => {
    const page = browser.page;
    booth.booth.cardReader!.emulator!.place('not-ektp');
    await walkPageTo(page, 'card', { language });
    await tap(page, 'card-read');
    await expect
      .poll(() => cardProblem(page).textContent())
      .toBe(
        language === 'id'
          ? 'Kartu ini bukan e-KTP. Letakkan e-KTP Anda di pembaca.'
          : 'This card is not an e-KTP. Put your e-KTP on the reader.',
      );
    await screenshot(page, `landscape-${language}-09d-card-not-ektp`);
  });
});

describe('e-KTP step with a reader too slow for the deadline', () => {
  let booth: TestBooth;
  let browser: BrowserSession;

  beforeAll(async () => {
    // At 1200 baud a whole read takes minutes: the booth gives up at its deadline.
    booth = await startTestBooth({ devices: { card: { driver: 'emulated-serial', identity: 0, baudRate: 1200, readDeadlineMs: 1_500 } } });
    browser = await openBrowser({ width: 1920, height: 1080 });
  });
  afterAll(async () => {
    await browser?.close();
    await booth?.close();
  });

  beforeEach(async () => {
    booth.booth.session.wipe('cancel');
    await openBooth(browser.page, booth.host.launchUrl);
  });

  it.each(['id', 'en'] as const)(
    'says the reading took too long and how to try again, not that the reader is broken (%s)',
    async (language) => {
      const page = browser.page;
      await walkPageTo(page, 'card', { language });
      await tap(page, 'card-read');
      await expect.poll(() => cardProblem(page).textContent(), { timeout: 15_000 }).toBe(catalogues[language]['card.error.TIMEOUT']);
      expect(await cardProblem(page).textContent()).not.toBe(catalogues[language]['card.error.READER']);
      expect(await page.getByTestId('card-read').textContent()).toBe(catalogues[language]['card.retry']);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, `landscape-${language}-09e-card-timeout`);
    },
  );
});

describe('e-KTP step through PC/SC (real pcscd, virtual card behind vpcd)', () => {
  let pcscd: RunningPcscd;
  let booth: TestBooth;
  let browser: BrowserSession;
  const slots: VirtualCardConnection[] = [];
  const set = createVirtualEktp();

  beforeAll(async () => {
    pcscd = await startPcscd();
    booth = await startTestBooth({
      devices: {
        card: {
          driver: 'pcsc',
          cardReader: VPCD_READERS.card.name,
          samReader: VPCD_READERS.sam.name,
          sam: { pcid: toHex(set.secrets.pcid), conf: toHex(set.secrets.conf) },
        },
      },
    });
    browser = await openBrowser({ width: 1080, height: 1920 });
  }, 200_000);
  afterAll(async () => {
    for (const slot of slots) await slot.remove();
    await browser?.close();
    await booth?.close();
    await pcscd?.stop();
  });

  it('shows the chip identity read through pcscd', async () => {
    const page = browser.page;
    // The SAM lives in the reader; the citizen brings the card.
    slots.push(await insertVirtualCard(VPCD_READERS.sam.port, CONTACT_T1_ATR, set.sam, pcscd.viccHost));
    await waitForCard(VPCD_READERS.sam.name, true);
    await openBooth(page, booth.host.launchUrl);
    await walkPageTo(page, 'card');
    await tap(page, 'card-read');
    await expect.poll(() => cardProblem(page).textContent()).toBe('Tidak ada e-KTP di pembaca. Letakkan e-KTP Anda, lalu coba lagi.');
    slots.push(await insertVirtualCard(VPCD_READERS.card.port, CONTACTLESS_ATR, set.card, pcscd.viccHost));
    await waitForCard(VPCD_READERS.card.name, true);
    await tap(page, 'card-read');
    await page.getByTestId('chip-name').waitFor();
    expect(await page.getByTestId('chip-name').textContent()).toBe('SITI RAHMAWATI');
    expect(booth.logText()).toContain('"driver":"pcsc"');
  });
});
