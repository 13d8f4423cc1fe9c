// Large text with high contrast, and help, on every screen (issue 11, items 4
// and 5): each screen a walk reaches is checked at the default size and, after
// tapping "Aa" on that very screen, at 200% text in the high-contrast palette,
// in both languages and both booth orientations. Each check: axe finds nothing
// serious, no control is cut off, covered or overlapping, the toolbar is in a
// seated citizen's reach, and a screenshot is saved (large mode: "-200").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { boothScreens, openBrowser, type BrowserSession } from '../support/browser';
import { openBooth, screenshot, seriousAxeViolations, tap, typeOnKeys, waitForStep } from '../support/citizen';
import { startTestBooth, type TestBooth } from '../support/host';
import { layoutProblems, outOfSeatedReach } from '../support/layout';
import { pageSteps, walkPageTo } from '../support/walkTo';
import { journeySteps, type JourneyStep, type Language } from '../../src/shared/journey/machine';
import { catalogues } from '../../src/renderer/i18n';
import { helpTexts } from '../../src/renderer/access/helpTexts';

const orientations = boothScreens;
type Orientation = keyof typeof orientations;

/** The toolbar every step carries; on a portrait booth it must sit in the lower half. */
const TOOLBAR = ['help', 'large-text', 'switch-language', 'cancel-erase'];

/** Screenshot numbers follow the journey's order, whatever it is (the welcome screen is 01). */
const numbered = (step: JourneyStep) => String(journeySteps.indexOf(step) + 2).padStart(2, '0');

/** Whether a field being typed is (partly) scrolled out of the content region or off the screen. */
const fieldHidden = (page: Page) =>
  page.evaluate(() => {
    const field = document.querySelector('[data-testid^="field-"]');
    const region = document.querySelector('[data-testid="frame-content"]');
    if (!field || !region) return false;
    const box = field.getBoundingClientRect();
    const clip = region.getBoundingClientRect();
    return box.top < clip.top - 0.5 || box.bottom > clip.bottom + 0.5 || box.bottom > window.innerHeight;
  });

const isLarge = (page: Page) => page.evaluate(() => document.documentElement.classList.contains('large-text'));

describe.each(Object.keys(orientations) as Orientation[])('large text and help on a %s screen', (orientation) => {
  let booth: TestBooth;
  let browser: BrowserSession;

  beforeAll(async () => {
    booth = await startTestBooth({ devices: { card: { driver: 'emulated-serial', identity: 0, baudRate: 921600 } } });
    // Chromium's own fake camera (a test pattern, no face): the face screen stays up, asking for a face.
    browser = await openBrowser(orientations[orientation], ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
  });
  afterAll(async () => {
    await browser?.close();
    await booth?.close();
  });

  /** axe, the geometry and a screenshot of what the page shows now. */
  async function check(page: Page, name: string, options: { toolbar?: boolean } = {}) {
    await page.waitForTimeout(150); // let a reflow after a tap settle before measuring
    expect(await seriousAxeViolations(page), `axe on ${name}`).toEqual([]);
    expect(await layoutProblems(page), `layout of ${name}`).toEqual([]);
    expect(await fieldHidden(page), `the typed field on ${name}`).toBe(false);
    if (options.toolbar && orientation === 'portrait') expect(await outOfSeatedReach(page, TOOLBAR), `reach on ${name}`).toEqual([]);
    await screenshot(page, `${orientation}-${name}`);
  }

  /** Checks the screen at 100%, taps "Aa" on it, checks it at 200% with high contrast, and taps "Aa" again. */
  async function checkBothSizes(page: Page, name: string, options: { toolbar?: boolean } = {}) {
    expect(await isLarge(page)).toBe(false);
    await check(page, name, options);
    await tap(page, 'large-text');
    await expect.poll(() => isLarge(page)).toBe(true);
    expect(await page.getByTestId('large-text').getAttribute('aria-pressed')).toBe('true');
    await check(page, `${name}-200`, options);
    await tap(page, 'large-text');
    await expect.poll(() => isLarge(page)).toBe(false);
  }

  async function cancelToWelcome(page: Page) {
    await tap(page, 'cancel-erase');
    await tap(page, 'cancel-confirm');
    // Leaving the face screen can wait on MediaPipe still starting up on a busy 2-core machine.
    await page
      .locator('[data-step="attract"]')
      .waitFor({ timeout: 30_000 })
      .catch(async (error: Error) => {
        const shown = await page
          .locator('[data-step]')
          .first()
          .getAttribute('data-step', { timeout: 1000 })
          .catch(() => null);
        await screenshot(page, `${orientation}-failed-cancel`);
        throw new Error(`cancel did not lead to the welcome screen; the page shows ${shown ?? 'no step'}: ${error.message.split('\n')[0]}`);
      });
  }

  it.each(['id', 'en'] as const)('every screen a walk reaches, in %s', async (language: Language) => {
    const page = browser.page;
    await openBooth(page, booth.host.launchUrl);
    await waitForStep(page, 'attract');
    await checkBothSizes(page, `${language}-01-attract`);

    for (const step of pageSteps) {
      await walkPageTo(page, step, { language });
      await checkBothSizes(page, `${language}-${numbered(step)}-${step}`, { toolbar: true });
      if (step === 'email') {
        // The second face of the email step: the typed address shown large to confirm.
        await typeOnKeys(page, [...'siti.rahma', '@', ...'contoh', '.co.id']);
        await tap(page, 'large-text');
        // At 200% the address being typed stays in view above the keyboard.
        expect(await layoutProblems(page)).toEqual([]);
        expect(await page.getByTestId('field-email').isVisible()).toBe(true);
        await check(page, `${language}-${numbered(step)}-email-typed-200`, { toolbar: true });
        await tap(page, 'large-text');
        await tap(page, 'next');
        await page.getByTestId('email-confirm-value').waitFor();
        await checkBothSizes(page, `${language}-${numbered(step)}-email-confirm`, { toolbar: true });
      }
      if (step === 'card') {
        // The card lying on the reader is read by itself: then "is this you?" with the chip's name, NIK and photo.
        await page.getByTestId('chip-name').waitFor({ timeout: 30_000 });
        await checkBothSizes(page, `${language}-${numbered(step)}-card-confirm`, { toolbar: true });
      }
      if (step === 'face') {
        // The briefing: the challenge's actions with their pictures, before anything is timed.
        await page.getByTestId('face-ready').waitFor({ timeout: 60_000 });
        await checkBothSizes(page, `${language}-${numbered(step)}-face-briefing`, { toolbar: true });
        // Then the camera's picture with its prompt (Chromium's test pattern shows no face: "put your face in the oval").
        await tap(page, 'face-ready');
        await page.getByTestId('face-prompt').waitFor({ timeout: 30_000 });
        await checkBothSizes(page, `${language}-${numbered(step)}-face-position`, { toolbar: true });
      }
      if (step === 'review') {
        // The cancel dialog over a step, at both sizes ("Aa" sits behind the modal dialog, so it is set first).
        for (const large of [false, true]) {
          if (large) await tap(page, 'large-text');
          await tap(page, 'cancel-erase');
          await page.getByRole('alertdialog').waitFor();
          await check(page, `${language}-${numbered(step)}-cancel-dialog${large ? '-200' : ''}`);
          await tap(page, 'cancel-keep');
          await page.getByRole('alertdialog').waitFor({ state: 'hidden' });
          if (large) await tap(page, 'large-text');
        }
      }
      await cancelToWelcome(page);
    }

    // The end at the service desk.
    await walkPageTo(page, 'consent', { language });
    await tap(page, 'consent-decline');
    await waitForStep(page, 'referred');
    await checkBothSizes(page, `${language}-90-referred`, { toolbar: true });
    await tap(page, 'finish-erase');
    await waitForStep(page, 'attract');
  });

  it('keeps large text from the welcome screen into the session, and resets it for the next citizen', async () => {
    const page = browser.page;
    await openBooth(page, booth.host.launchUrl);
    await waitForStep(page, 'attract');
    await tap(page, 'large-text');
    await walkPageTo(page, 'consent');
    expect(await isLarge(page)).toBe(true);
    await cancelToWelcome(page);
    expect(await isLarge(page)).toBe(false);
    expect(await page.getByTestId('large-text').getAttribute('aria-pressed')).toBe('false');
  });

  it.each(['id', 'en'] as const)('explains the step and calls an officer with a sign on the booth, in %s', async (language) => {
    const page = browser.page;
    const before = booth.logText().split('help.officer_called').length;
    await openBooth(page, booth.host.launchUrl);
    await waitForStep(page, 'attract');
    await walkPageTo(page, 'phone', { language });
    await tap(page, 'help');
    await page.getByTestId('help-dialog').waitFor();
    expect(await page.getByTestId(`help-text-${language}`).textContent()).toBe(catalogues[language][helpTexts.phone]);
    await check(page, `${language}-80-help-phone`);

    await tap(page, 'call-officer');
    const sign = page.getByTestId('officer-sign');
    await sign.waitFor();
    expect(await sign.locator('h2').textContent()).toBe(catalogues[language]['officer.called']);
    await check(page, `${language}-81-officer-called`);
    // The core heard the call, with the screen it came from and nothing of the citizen.
    await expect.poll(() => booth.logText().split('help.officer_called').length).toBe(before + 1);
    expect(booth.logText()).toContain('"screen":"phone"');
    expect(booth.logText().split('help.officer_called').at(-1)).not.toContain('3174054208900001');

    // The sign stays until the citizen closes it; the session is where it was.
    await tap(page, 'officer-sign-dismiss');
    await sign.waitFor({ state: 'hidden' });
    await waitForStep(page, 'phone');

    // Large mode: the dialog and the sign at 200%.
    await tap(page, 'large-text');
    await tap(page, 'help');
    await check(page, `${language}-80-help-phone-200`);
    await tap(page, 'call-officer');
    await sign.waitFor();
    await check(page, `${language}-81-officer-called-200`);
    // Ending the session takes the sign and the large text away: the next citizen sees neither.
    booth.booth.session.wipe('cancel');
    await waitForStep(page, 'attract');
    await sign.waitFor({ state: 'hidden' });
    expect(await isLarge(page)).toBe(false);
  });

  it('offers help before a session, on the welcome screen, in both languages', async () => {
    const page = browser.page;
    await openBooth(page, booth.host.launchUrl);
    await waitForStep(page, 'attract');
    await tap(page, 'help');
    expect(await page.getByTestId('help-text-id').textContent()).toBe(catalogues.id['help.step.attract']);
    expect(await page.getByTestId('help-text-en').textContent()).toBe(catalogues.en['help.step.attract']);
    await check(page, 'both-01h-attract-help');
    await tap(page, 'call-officer');
    await page.getByTestId('officer-sign').waitFor();
    await expect.poll(() => booth.logText()).toContain('"screen":"attract"');
    await tap(page, 'officer-sign-dismiss');
  });

  it('has a layout check that sees a control cut off, covered, overlapping or with its label cut', async () => {
    const page = browser.page;
    await openBooth(page, booth.host.launchUrl);
    await waitForStep(page, 'attract');
    expect(await layoutProblems(page)).toEqual([]);
    // Through the CSSOM: the page's CSP refuses a style tag.
    await page.evaluate(() => {
      const place = (testId: string, style: Partial<CSSStyleDeclaration>) =>
        Object.assign(document.querySelector<HTMLElement>(`[data-testid="${testId}"]`)!.style, { position: 'fixed', ...style });
      place('start', { left: '-200px', top: '0px' });
      place('help', { left: '100px', top: '400px', width: '60px' });
      place('large-text', { left: '120px', top: '420px' });
    });
    const problems = (await layoutProblems(page)).join('\n');
    expect(problems).toContain('"start" is cut off at the side of the screen');
    expect(problems).toContain('"help" does not show its whole label');
    expect(problems).toMatch(/"help" and "large-text" overlap|"large-text" and "help" overlap/);
    expect(problems).toContain('"help" is covered by');
    await openBooth(page, booth.host.launchUrl);
  });

  it('offers large text on the offline screen', async () => {
    const page = await browser.context.newPage(); // no token: the page cannot reach the booth
    try {
      await page.goto(booth.host.url);
      await waitForStep(page, 'offline');
      await checkBothSizes(page, 'both-00-offline');
    } finally {
      await page.close();
    }
  });
});
