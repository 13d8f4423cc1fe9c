// A citizen's whole data-entry journey, in both languages and both booth
// orientations, against the real core through the headless host: every
// screen is scanned with axe-core and saved as a screenshot.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { boothScreens, openBrowser, type BrowserSession } from '../support/browser';
import { openBooth, screenshot, seriousAxeViolations, tap, typeOnKeys, waitForStep } from '../support/citizen';
import { startTestBooth, type TestBooth } from '../support/host';
import { walkPageTo, startButton } from '../support/walkTo';
import { catalogues } from '../../src/renderer/i18n';

const orientations = boothScreens;

const NIK = '3174054208900001';
const EMAIL_TOKENS = [...'siti.rahma', '@', ...'contoh', '.co.id'];
const PHONE = '081234567890';

describe.each(Object.keys(orientations) as Array<keyof typeof orientations>)('journey on a %s screen', (orientation) => {
  let booth: TestBooth;
  let browser: BrowserSession;

  beforeAll(async () => {
    booth = await startTestBooth({ devices: { card: { driver: 'emulated-serial', identity: 0, baudRate: 921600 } } });
    browser = await openBrowser(orientations[orientation]);
  });
  afterAll(async () => {
    await browser?.close();
    await booth?.close();
  });

  beforeEach(() => {
    booth.booth.session.wipe('cancel');
  });

  it.each(['id', 'en'] as const)('completes language → consent → e-KTP → email → phone → review → face in %s', async (language) => {
    const page = browser.page;
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const check = async (name: string) => {
      expect(await seriousAxeViolations(page), `axe on ${name}`).toEqual([]);
      await screenshot(page, `${orientation}-${language}-${name}`);
    };
    const refused = async (field: string, name: string) => {
      await tap(page, 'next');
      await expect.poll(() => page.getByTestId(`problem-${field}`).textContent()).not.toBe('');
      await check(name);
      await tap(page, 'key-clear');
    };

    await openBooth(page, booth.host.launchUrl);
    await waitForStep(page, 'attract');
    expect(page.url()).not.toContain('token='); // the token leaves the address bar at once
    await check('01-attract');

    // The welcome screen's button in the citizen's language starts the journey at the consent, in that language.
    await tap(page, startButton[language]);
    await waitForStep(page, 'consent');
    await tap(page, 'back');
    await waitForStep(page, 'language');
    await check('02-language');
    await tap(page, `language-${language}`);

    await waitForStep(page, 'consent');
    expect(await page.locator('html').getAttribute('lang')).toBe(language);
    await expect
      .poll(() => page.locator('h1').textContent())
      .toBe(language === 'id' ? 'Persetujuan penggunaan data pribadi' : 'Consent to the use of your personal data');
    await check('03-consent');
    await tap(page, 'consent-accept');

    // SITI's card lies on the reader: it is read as the step shows, with no touch, and the citizen confirms it is theirs.
    await waitForStep(page, 'card');
    await page.getByTestId('chip-name').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('chip-name').textContent()).toBe('SITI RAHMAWATI');
    expect(await page.getByTestId('chip-nik').textContent()).toBe('3174 0542 0890 0001');
    await check('04-card-confirm');
    await tap(page, 'card-confirm');

    await waitForStep(page, 'email');
    await typeOnKeys(page, [...'siti', '.co.id']);
    await refused('email', '05b-email-error');
    await typeOnKeys(page, EMAIL_TOKENS);
    await expect.poll(() => page.getByTestId('field-email').textContent()).toBe('siti.rahma@contoh.co.id');
    await check('05-email');
    await tap(page, 'next');
    await page.getByTestId('email-confirm-value').waitFor();
    expect(await page.getByTestId('email-confirm-value').textContent()).toBe('siti.rahma@contoh.co.id');
    await check('06-email-confirm');
    await tap(page, 'email-confirm');

    await waitForStep(page, 'phone');
    await typeOnKeys(page, '0215550123');
    await refused('phone', '07b-phone-error');
    await typeOnKeys(page, PHONE);
    await expect.poll(() => page.getByTestId('field-phone').textContent()).toBe('0812 3456 7890');
    await check('07-phone');
    await tap(page, 'next');

    await waitForStep(page, 'review');
    expect(await page.getByTestId('review-name').textContent()).toBe('SITI RAHMAWATI');
    expect(await page.getByTestId('review-nik').textContent()).toBe('3174 0542 0890 0001');
    expect(await page.getByTestId('review-edit-nik').count()).toBe(0); // read from the chip, not typed: nothing to change
    expect(await page.getByTestId('review-email').textContent()).toBe('siti.rahma@contoh.co.id');
    expect(await page.getByTestId('review-phone').textContent()).toBe('+62 812 3456 7890');
    await check('08-review');

    // The core holds exactly what the screen showed, normalised.
    const held = booth.booth.session.snapshot();
    expect(held).toMatchObject({
      step: 'review',
      language,
      nik: NIK,
      email: 'siti.rahma@contoh.co.id',
      phone: '+6281234567890',
      consentAccepted: true,
    });

    await tap(page, 'review-confirm');

    // This browser has no camera at all: the face screen tells the core, which refers the citizen to the service desk
    // (once MediaPipe has loaded too, which can take a while on a busy PC).
    await page.locator('[data-step="referred"]').waitFor({ timeout: 30_000 });
    expect(booth.logText()).toContain('"event":"face.screen_problem","problem":"NO_CAMERA"');
    const reason = page.getByTestId('referral-reason');
    expect(await reason.getAttribute('data-reason')).toBe('face-unavailable');
    expect(await reason.textContent()).toBe(
      language === 'id'
        ? 'Pemeriksaan wajah di anjungan ini sedang tidak berfungsi. Silakan minta bantuan petugas atau lanjutkan di loket pelayanan Dukcapil.'
        : 'The face check on this booth is out of service. Please ask an officer, or continue at the Dukcapil service desk.',
    );
    expect(await page.getByTestId('referral-code').textContent()).toBe(
      language === 'id' ? 'Kode untuk teknisi: NO_CAMERA' : 'Code for the technician: NO_CAMERA',
    );
    expect(await page.locator('h1').textContent()).toBe(language === 'id' ? 'IKD Anda belum aktif' : 'Your IKD is not active yet');
    expect(await page.getByTestId('referral-reference').textContent()).toContain(
      booth.booth.session.snapshot()?.referral?.reference ?? 'none',
    );
    await check('11-referred-face-unavailable');

    await tap(page, 'cancel-erase');
    await page.getByRole('alertdialog').waitFor();
    await check('12-cancel-dialog');
    await tap(page, 'cancel-confirm');
    await waitForStep(page, 'attract');
    // The welcome screen first says, in both languages, that the data is gone; then it is the plain welcome screen again.
    const erased = page.getByTestId('erased-notice');
    expect(await erased.isVisible()).toBe(true);
    expect(await erased.textContent()).toBe(`${catalogues.id['attract.erased']}${catalogues.en['attract.erased']}`);
    await check('12b-data-erased');
    await erased.waitFor({ state: 'hidden', timeout: 10_000 });
    // The screen forgets at once; the core's wipe follows over the socket.
    await expect.poll(() => booth.booth.session.snapshot()).toBeNull();
    expect(pageErrors).toEqual([]);
  });

  it('shows the bilingual offline screen when the page has no way to reach the booth', async () => {
    const page = await browser.context.newPage(); // a new tab: no token in its session storage
    try {
      await page.goto(booth.host.url);
      await waitForStep(page, 'offline');
      expect(await page.locator('h1').textContent()).toBe('Anjungan sedang tidak dapat digunakan');
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, `${orientation}-00-offline`);
    } finally {
      await page.close();
    }
  });
});

describe('journey details', () => {
  let booth: TestBooth;
  let browser: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    booth = await startTestBooth();
    browser = await openBrowser(orientations.landscape);
    page = browser.page;
  });
  afterAll(async () => {
    await browser?.close();
    await booth?.close();
  });

  // Each test starts from the welcome screen with no session, and walks from there to where it begins.
  beforeEach(async () => {
    booth.booth.session.wipe('cancel');
    await openBooth(page, booth.host.launchUrl);
  });

  const problem = (field: string) => page.getByTestId(`problem-${field}`);

  it('gives a specific message for each kind of wrong email and phone', async () => {
    await walkPageTo(page, 'email');
    const emailCases: Array<[string[], string]> = [
      [[...'budi'], 'harus berisi tanda @'],
      [[...'budi', '@', '@', ...'x', '.id'], 'hanya boleh berisi satu tanda @'],
      [[...'budi', '@', ...'contoh'], 'Bagian setelah tanda @ tidak benar'],
      [['.', ...'budi', '@', ...'contoh', '.id'], 'Bagian sebelum tanda @ tidak benar'],
    ];
    for (const [tokens, message] of emailCases) {
      await tap(page, 'key-clear');
      await typeOnKeys(page, tokens);
      await tap(page, 'next');
      await expect.poll(() => problem('email').textContent()).toContain(message);
    }
    await screenshot(page, 'landscape-id-05-email-error');

    await tap(page, 'key-clear');
    await typeOnKeys(page, [...'budi', '@', ...'contoh', '.id']);
    await tap(page, 'next');
    await tap(page, 'email-confirm');
    await waitForStep(page, 'phone');
    const phoneCases: Array<[string, string]> = [
      ['0215550123', 'Ini bukan nomor HP'],
      ['0812345', 'terlalu pendek'],
      ['+44812345678', 'diawali 08, 62, atau +62'],
    ];
    for (const [phone, message] of phoneCases) {
      await tap(page, 'key-clear');
      await typeOnKeys(page, phone);
      await tap(page, 'next');
      await expect.poll(() => problem('phone').textContent()).toContain(message);
    }
    await screenshot(page, 'landscape-id-07-phone-error');
    await tap(page, 'key-clear');
    await typeOnKeys(page, '+6281234567890');
    await tap(page, 'next');
    await waitForStep(page, 'review');
    expect(booth.booth.session.snapshot()?.phone).toBe('+6281234567890');
  });

  it('edits a value from the review and comes back to the review', async () => {
    await walkPageTo(page, 'review', { email: 'budi@contoh.id' });
    await tap(page, 'review-edit-email');
    await waitForStep(page, 'email');
    expect(await page.getByTestId('field-email').textContent()).toBe('budi@contoh.id');
    await tap(page, 'key-clear');
    await typeOnKeys(page, [...'ani', '@', ...'contoh', '.com']);
    await tap(page, 'next');
    await tap(page, 'email-confirm');
    await waitForStep(page, 'review');
    expect(await page.getByTestId('review-email').textContent()).toBe('ani@contoh.com');
    expect(booth.booth.session.snapshot()?.email).toBe('ani@contoh.com');
  });

  it('switches language on any step without losing what was typed', async () => {
    await walkPageTo(page, 'review', { phone: '+6281234567890' });
    await tap(page, 'review-edit-phone');
    await waitForStep(page, 'phone');
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Enter your mobile number');
    expect(await page.getByTestId('field-phone').textContent()).toBe('+62 812 3456 7890');
    await page.getByRole('button', { name: 'Bahasa Indonesia' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Masukkan nomor HP Anda');
  });

  it('survives mashed keys, typing past the limit and pasting', async () => {
    await walkPageTo(page, 'phone');
    const key = page.getByTestId('key-8');
    await Promise.all(Array.from({ length: 40 }, () => key.click({ delay: 0 })));
    expect(await page.getByTestId('field-phone').textContent()).toBe('8888 8888 8888 8888');
    await expect.poll(() => problem('phone').textContent()).toBe('Nomor HP terlalu panjang.');

    await tap(page, 'key-clear');
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.setData('text/plain', 'Nomor HP: 0812-3456-7890');
      window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data }));
    });
    expect(await page.getByTestId('field-phone').textContent()).toBe('0812 3456 7890');

    // A physical keyboard goes through the same filter.
    await tap(page, 'key-clear');
    await page.locator('h1').focus();
    await page.keyboard.type('08a12x34567890');
    expect(await page.getByTestId('field-phone').textContent()).toBe('0812 3456 7890');

    // Next tapped many times at once sends one call and lands on the review.
    const refusalsBefore = booth.logText().split('"code":"WRONG_STEP"').length;
    // Five taps inside one task, before the first answer can arrive.
    await page.getByTestId('next').evaluate((button) => {
      for (let i = 0; i < 5; i++) (button as HTMLButtonElement).click();
    });
    await waitForStep(page, 'review');
    expect(booth.booth.session.snapshot()?.step).toBe('review');
    expect(booth.logText().split('"code":"WRONG_STEP"').length).toBe(refusalsBefore);
  });

  it.each(['id', 'en'] as const)(
    'declining consent says where IKD can still be activated; finishing erases the session and returns to the welcome screen (%s)',
    async (language) => {
      await walkPageTo(page, 'consent', { language });
      expect(booth.booth.session.snapshot()).not.toBeNull();
      await tap(page, 'consent-decline');
      await waitForStep(page, 'referred');
      const reason = page.getByTestId('referral-reason');
      expect(await reason.getAttribute('data-reason')).toBe('consent-declined');
      expect(await reason.textContent()).toBe(
        language === 'id'
          ? 'Anda tidak menyetujui penggunaan data pribadi Anda, sehingga anjungan ini tidak dapat mengaktifkan IKD Anda. Anda tetap dapat mengaktifkannya di loket pelayanan Dukcapil.'
          : 'You did not agree to the use of your personal data, so this booth cannot activate your IKD. You can still activate it at the Dukcapil service desk.',
      );
      expect(booth.booth.session.snapshot()).toMatchObject({
        step: 'referred',
        consentAccepted: false,
        referral: { reason: 'consent-declined' },
      });
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, `landscape-${language}-03b-referred-consent-declined`);
      await tap(page, 'finish-erase');
      await waitForStep(page, 'attract');
      expect(booth.booth.session.snapshot()).toBeNull();
      expect(booth.logText()).toContain('"event":"session.wiped","reason":"declined"');
    },
  );
});
