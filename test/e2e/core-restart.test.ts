// What the citizen sees when the booth's core process dies (the built core,
// out/core/index.js, under the real host): an "out of service" screen in
// both languages at once, then the welcome screen when the core is back,
// with nothing left of what they had entered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../src/renderer/i18n/en';
import { id } from '../../src/renderer/i18n/id';
import { openBrowser, type BrowserSession } from '../support/browser';
import { openBooth, screenshot, seriousAxeViolations, tap, typeOnKeys, waitForStep } from '../support/citizen';
import { startProcessBooth, type ProcessBooth } from '../support/processBooth';

let booth: ProcessBooth;
let browser: BrowserSession;

beforeAll(async () => {
  // The restart waits 1.5 s, so the out-of-service screen stays long enough to be looked at.
  booth = await startProcessBooth({}, { entry: 'built', backoffMs: [1_500] });
  browser = await openBrowser({ width: 1080, height: 1920 });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await booth?.close();
});

describe('the core process dies while a citizen is at the booth', () => {
  it('shows "out of service", then the welcome screen with nothing of the citizen left', async () => {
    const page = await browser.context.newPage();
    try {
      await openBooth(page, booth.host.launchUrl);
      await tap(page, 'start');
      await tap(page, 'consent-accept');
      // SITI's card is read at the card step; the citizen confirms it and starts typing the email.
      await tap(page, 'card-confirm', 30_000);
      await waitForStep(page, 'email');
      await typeOnKeys(page, [...'siti']);

      process.kill(booth.core.pid()!, 'SIGKILL');
      const notice = page.locator('[data-step="out-of-service"]');
      await notice.waitFor({ timeout: 10_000 });
      const text = (await notice.textContent()) ?? '';
      expect(text).toContain(id['offline.outOfServiceBody']);
      expect(text).toContain(en['offline.outOfServiceBody']);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, 'out-of-service');

      await page.locator('[data-step="attract"]').waitFor({ timeout: 30_000 });
      expect(booth.core.restarts()).toBe(1);
      await tap(page, 'start');
      await tap(page, 'consent-accept');
      await waitForStep(page, 'card');
      // The new core read the card afresh; the screen kept nothing from before the fault (the email typed is gone).
      await tap(page, 'card-confirm', 30_000);
      await waitForStep(page, 'email');
      expect(await page.getByTestId('field-email').textContent()).toBe('');
    } finally {
      await page.close();
    }
  }, 90_000);
});
