// The vault as the citizen sees it: the saving screen between the face
// match and the sign-off, and the welcome screen of a booth that cannot
// keep a new enrollment. Both orientations, both languages, and 200 % text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boothScreens, openBrowser, type BrowserSession } from '../support/browser';
import { openBooth, screenshot, seriousAxeViolations, tap, waitForStep } from '../support/citizen';
import { startTestBooth, type TestBooth } from '../support/host';
import { layoutProblems } from '../support/layout';
import { walkPageTo } from '../support/walkTo';
import { catalogues } from '../../src/renderer/i18n';
import { ensureFaceVideos, fakeCameraArgs } from '../support/fakeCamera';

const screens = boothScreens;

describe.each(Object.keys(screens) as Array<keyof typeof screens>)('the vault on a %s screen', (orientation) => {
  let booth: TestBooth;
  let full: TestBooth;
  let browser: BrowserSession;

  beforeAll(async () => {
    booth = await startTestBooth({});
    // A booth whose vault disk has less room than it asks for: it takes nobody.
    full = await startTestBooth({ vault: { minFreeMb: 1_000_000 } });
    // A camera showing a face, so the face step waits for the citizen (without one it would send them to the desk at once).
    const videos = await ensureFaceVideos();
    browser = await openBrowser(screens[orientation], fakeCameraArgs(videos.good));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await booth?.close();
    await full?.close();
  });

  it.each(['id', 'en'] as const)('says the enrollment is being saved, in words and on a progress bar (%s)', async (language) => {
    booth.booth.session.wipe('cancel');
    const page = await browser.context.newPage();
    try {
      await openBooth(page, booth.host.launchUrl);
      await walkPageTo(page, 'face', { language });
      await page.getByTestId('face-ready').waitFor({ timeout: 30_000 });
      // The core moves the session on as a match would; the save itself runs only after a real match (face e2e test).
      expect(booth.booth.session.advance({ type: 'faceVerified' })).toMatchObject({ ok: true, value: { step: 'saving' } });
      await waitForStep(page, 'saving');
      expect(await page.getByTestId('saving').textContent()).toBe(catalogues[language]['saving.body']);
      expect(await page.locator('h1').first().textContent()).toBe(catalogues[language]['saving.title']);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, `${orientation}-${language}-12b-saving`);
      await tap(page, 'large-text');
      expect(await layoutProblems(page)).toEqual([]);
      await screenshot(page, `${orientation}-${language}-12b-saving-200`);
    } finally {
      await page.close();
    }
  });

  it('shows a booth that cannot keep an enrollment as out of service, in both languages, before anyone starts', async () => {
    const page = await browser.context.newPage();
    try {
      await openBooth(page, full.host.launchUrl);
      const screen = page.locator('[data-step="not-admitting"]');
      await screen.waitFor({ timeout: 15_000 });
      const text = await screen.textContent();
      for (const language of ['id', 'en'] as const) {
        expect(text).toContain(catalogues[language]['offline.title']);
        expect(text).toContain(catalogues[language]['offline.notAdmittingBody']);
      }
      expect(await page.getByTestId('start').count()).toBe(0);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, `${orientation}-00-not-admitting`);
      await tap(page, 'large-text');
      expect(await layoutProblems(page)).toEqual([]);
      await screenshot(page, `${orientation}-00-not-admitting-200`);
      expect(full.logText()).toMatch(/"event":"booth.admission_closed","reason":"VAULT_DISK_LOW"/);
    } finally {
      await page.close();
    }
  });
});
