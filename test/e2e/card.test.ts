// The e-KTP step as a citizen meets it, in Chromium against the real host:
// the simulated serial reader (pseudo-terminal) for the outcomes, and the
// PC/SC path through the real pcscd with the virtual card behind vpcd.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { toHex } from '../../src/core/card/apdu/apdu';
import { createVirtualEktp } from '../../src/core/card/emulator';
import type { CardEmulatorControls } from '../../src/core/card/reader';
import { CONTACTLESS_ATR, CONTACT_T1_ATR, insertVirtualCard, type VirtualCardConnection } from '../../src/core/card/emulator/vpcd';
import { catalogues } from '../../src/renderer/i18n';
import { openBrowser, type BrowserSession } from '../support/browser';
import { openBooth, screenshot, seriousAxeViolations, tap, waitForStep } from '../support/citizen';
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

  /** The citizen lifts the card from the reader (the screen shows it gone), then puts `card` down. */
  async function liftAndPlace(page: Page, card: Parameters<CardEmulatorControls['place']>[0]) {
    const emulator = booth.booth.cardReader!.emulator!;
    emulator.place(null);
    await expect.poll(() => page.getByTestId('card-presence').getAttribute('data-present')).toBe('false');
    emulator.place(card);
  }

  it.each(['id', 'en'] as const)(
    'reads the card by itself once it is placed, and shows the name and NIK to confirm (%s)',
    async (language) => {
      const page = browser.page;
      booth.booth.cardReader!.emulator!.place(null);
      await walkPageTo(page, 'card', { language });
      expect(await page.locator('h1').textContent()).toBe(catalogues[language]['card.place.title']);
      await expect.poll(() => page.getByTestId('card-presence').getAttribute('data-present')).toBe('false');
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, `landscape-${language}-05-card-place`);
      booth.booth.cardReader!.emulator!.place({ identity: 0 });
      // No touch: the card on the reader is read, and the chip's name and NIK are shown.
      await page.getByTestId('chip-name').waitFor({ timeout: 20_000 });
      expect(await page.locator('h1').textContent()).toBe(catalogues[language]['card.confirm.title']);
      expect(await page.getByTestId('chip-name').textContent()).toBe('SITI RAHMAWATI');
      expect(await page.getByTestId('chip-nik').textContent()).toBe('3174 0542 0890 0001');
      expect(booth.booth.session.snapshot()).toMatchObject({ step: 'card', nik: undefined, cardAttemptsLeft: 3 });
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, `landscape-${language}-06-card-confirm`);
      await tap(page, 'card-confirm');
      await waitForStep(page, 'email');
      expect(booth.booth.session.snapshot()).toMatchObject({ step: 'email', nik: '3174054208900001' });
    },
  );

  it.each(['id', 'en'] as const)(
    '"not my e-KTP" erases the card shown and asks for the citizen\'s own; after the last attempt, the referral screen (%s)',
    async (language) => {
      const page = browser.page;
      await walkPageTo(page, 'card', { language });
      await page.getByTestId('chip-name').waitFor({ timeout: 20_000 });
      await tap(page, 'card-not-me');
      await expect.poll(() => cardProblem(page).textContent()).toBe(catalogues[language]['card.error.REJECTED'].replace('{attempts}', '2'));
      // The heading says the card is not read yet, not "place your card" as if nothing had happened.
      expect(await page.locator('h1').textContent()).toBe(catalogues[language]['card.failed.title']);
      expect(booth.booth.steps.card.part.readout).toBeNull();
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, `landscape-${language}-06b-card-not-mine`);
      await liftAndPlace(page, { identity: 1 });
      await expect
        .poll(
          () =>
            page
              .getByTestId('chip-name')
              .textContent({ timeout: 1000 })
              .catch(() => null),
          { timeout: 20_000 },
        )
        .toBe('DEWI ANGGRAINI');
      await tap(page, 'card-not-me');
      await expect.poll(() => cardProblem(page).textContent()).toContain(language === 'id' ? 'Sisa kesempatan: 1' : 'Attempts left: 1');
      await liftAndPlace(page, { identity: 2 });
      await page.getByTestId('chip-name').waitFor({ timeout: 20_000 });
      await tap(page, 'card-not-me');
      // The core refers the citizen after the last attempt: one referral screen, worded from the reason.
      await waitForStep(page, 'referred');
      const reason = page.getByTestId('referral-reason');
      expect(await reason.getAttribute('data-reason')).toBe('card-not-confirmed');
      expect(await reason.textContent()).toBe(catalogues[language]['referral.reason.card-not-confirmed']);
      expect(await reason.textContent()).toContain(language === 'id' ? 'loket pelayanan Dukcapil' : 'Dukcapil service desk');
      expect(await page.locator('h1').textContent()).toBe(catalogues[language]['referral.title']);
      // It says plainly that the IKD is not active, what to bring, and the reference the desk asks for.
      expect(await page.locator('h1').textContent()).toBe(language === 'id' ? 'IKD Anda belum aktif' : 'Your IKD is not active yet');
      const reference = booth.booth.session.snapshot()?.referral?.reference;
      expect(reference).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      expect(await page.getByTestId('referral-reference').textContent()).toContain(reference);
      expect(await page.locator('[data-instruction]').getAttribute('data-instruction')).toBe('referral.title');
      expect(await page.getByTestId('card-read').count()).toBe(0);
      expect(await page.getByTestId('back').count()).toBe(0);
      expect(booth.booth.session.snapshot()).toMatchObject({
        step: 'referred',
        referral: { reason: 'card-not-confirmed' },
        nik: undefined,
      });
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, `landscape-${language}-09f-referred-card-not-mine`);
      await tap(page, 'finish-erase');
      await waitForStep(page, 'attract');
      expect(booth.booth.session.snapshot()).toBeNull();
    },
  );

  it.each(['id', 'en'] as const)(
    'a card the SAM does not authenticate: trying again unchanged uses no attempt; placed three times, the referral screen (%s)',
    async (language) => {
      booth.booth.session.wipe('cancel');
      const page = browser.page;
      const emulator = booth.booth.cardReader!.emulator!;
      emulator.place('not-genuine');
      try {
        await openBooth(page, booth.host.launchUrl);
        await walkPageTo(page, 'card', { language });
        await expect.poll(() => cardProblem(page).textContent(), { timeout: 20_000 }).toBe(catalogues[language]['card.error.AUTH_FAILED']);
        expect(booth.booth.session.snapshot()).toMatchObject({ cardAttemptsLeft: 2 });
        // "Try again" with the same card lying there: read again, and no attempt used (it was three taps, three attempts).
        for (let tries = 0; tries < 3; tries++) {
          await tap(page, 'card-read');
          await expect.poll(() => cardProblem(page).textContent()).toBe(catalogues[language]['card.error.AUTH_FAILED']);
        }
        expect(booth.booth.session.snapshot()).toMatchObject({ step: 'card', cardAttemptsLeft: 2 });
        await liftAndPlace(page, 'not-genuine');
        await expect.poll(() => booth.booth.session.snapshot()?.cardAttemptsLeft, { timeout: 20_000 }).toBe(1);
        await liftAndPlace(page, 'not-genuine');
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

  it.each(['id', 'en'] as const)('a card lifted mid-read asks to keep it on the reader; placed again, it reads (%s)', async (language) => {
    const page = browser.page;
    const emulator = booth.booth.cardReader!.emulator!;
    emulator.removeDuring('photo');
    await walkPageTo(page, 'card', { language });
    await expect.poll(() => cardProblem(page).textContent(), { timeout: 20_000 }).toBe(catalogues[language]['card.error.CARD_REMOVED']);
    await screenshot(page, `landscape-${language}-09c-card-removed`);
    emulator.removeDuring(null);
    await expect.poll(() => page.getByTestId('card-presence').getAttribute('data-present')).toBe('false');
    emulator.place({ identity: 0 });
    await page.getByTestId('chip-name').waitFor({ timeout: 20_000 });
    // Lifting the card after a good read loses nothing.
    emulator.place(null);
    await tap(page, 'card-confirm');
    await waitForStep(page, 'email');
    expect(booth.booth.steps.card.part.readout?.nik).toBe('3174054208900001');
    expect(booth.booth.session.snapshot()).toMatchObject({ cardAttemptsLeft: 3 });
  });

  it.each(['id', 'en'] as const)('a card that is not an e-KTP is named as such (%s)', async (language) => {
    const page = browser.page;
    booth.booth.cardReader!.emulator!.place('not-ektp');
    await walkPageTo(page, 'card', { language });
    await expect
      .poll(() => cardProblem(page).textContent(), { timeout: 20_000 })
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
      // The card lies on the reader: the read starts by itself, and the booth gives up at its deadline.
      await walkPageTo(page, 'card', { language });
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
    await expect.poll(() => cardProblem(page).textContent()).toBe(catalogues.id['card.error.NO_CARD']);
    // The card brought to the reader is read by itself: pcscd reports it, and the card step's watch sees it.
    slots.push(await insertVirtualCard(VPCD_READERS.card.port, CONTACTLESS_ATR, set.card, pcscd.viccHost));
    await waitForCard(VPCD_READERS.card.name, true);
    await page.getByTestId('chip-name').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('chip-name').textContent()).toBe('SITI RAHMAWATI');
    expect(booth.logText()).toContain('"driver":"pcsc"');
  });
});
