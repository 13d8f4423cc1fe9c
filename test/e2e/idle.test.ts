// The idle timeout as a citizen meets it: a warning with a countdown of at
// least 20 s and a large "continue" button, then a wipe of both the screen's
// stores and the core's session. The page's clock is Playwright's, so the
// minutes pass in milliseconds; the core runs on real time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boothScreens, openBrowser, type BrowserSession } from '../support/browser';
import { openBooth, screenshot, seriousAxeViolations, tap, typeOnKeys, waitForStep } from '../support/citizen';
import { startTestBooth, type TestBooth } from '../support/host';
import { walkPageTo } from '../support/walkTo';
import { layoutProblems } from '../support/layout';

const IDLE_SEC = 20;
const WARNING_SEC = 25;

const screens = boothScreens;

describe.each(Object.keys(screens) as Array<keyof typeof screens>)('idle timeout on a %s screen', (orientation) => {
  let booth: TestBooth;
  let browser: BrowserSession;

  beforeAll(async () => {
    booth = await startTestBooth({ session: { idleTimeoutSec: IDLE_SEC, idleWarningSec: WARNING_SEC, expiryGraceSec: 300 } });
    browser = await openBrowser(screens[orientation]);
  });
  afterAll(async () => {
    await browser?.close();
    await booth?.close();
  });

  it.each(['id', 'en'] as const)('warns, lets the citizen continue, then wipes the session everywhere (%s)', async (language) => {
    booth.booth.session.wipe('cancel');
    const page = await browser.context.newPage();
    try {
      await page.clock.install();
      await openBooth(page, booth.host.launchUrl);
      await walkPageTo(page, 'phone', { language });
      await typeOnKeys(page, '0812345678');

      // Not yet: one second before the idle time nothing shows.
      await page.clock.runFor((IDLE_SEC - 1) * 1000);
      expect(await page.getByTestId('idle-warning').count()).toBe(0);

      await page.clock.runFor(1500);
      await page.getByTestId('idle-warning').waitFor();
      const countdown = Number(await page.locator('.idle-countdown').textContent());
      expect(countdown).toBeGreaterThanOrEqual(20);
      expect(countdown).toBeLessThanOrEqual(WARNING_SEC);
      const button = await page.getByTestId('idle-continue').boundingBox();
      expect(button!.height).toBeGreaterThanOrEqual(48);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, `${orientation}-${language}-13-idle-warning`);

      // Continue: the warning goes, the typing stays.
      await page.clock.runFor(5000);
      await tap(page, 'idle-continue');
      await expect.poll(() => page.getByTestId('idle-warning').count()).toBe(0);
      expect(await page.getByTestId('field-phone').textContent()).toBe('0812 3456 78');

      // Touching the screen counts as being there.
      await page.clock.runFor((IDLE_SEC - 2) * 1000);
      await tap(page, 'key-9');
      await page.clock.runFor((IDLE_SEC - 2) * 1000);
      expect(await page.getByTestId('idle-warning').count()).toBe(0);

      // With large text (200%, high contrast) the warning fits the screen too: nothing cut off, covered or overlapping.
      await tap(page, 'large-text');
      await page.clock.runFor(IDLE_SEC * 1000 + 500);
      await page.getByTestId('idle-warning').waitFor();
      expect(await layoutProblems(page)).toEqual([]);
      expect(await seriousAxeViolations(page, '[data-testid="idle-warning"]')).toEqual([]);
      await screenshot(page, `${orientation}-${language}-13-idle-warning-200`);
      await tap(page, 'idle-continue');
      await expect.poll(() => page.getByTestId('idle-warning').count()).toBe(0);

      // Walk away: warning, countdown to zero, wipe.
      expect(booth.booth.session.snapshot()?.step).toBe('phone');
      await page.clock.runFor((IDLE_SEC + WARNING_SEC + 1) * 1000);
      await waitForStep(page, 'attract');
      await expect.poll(() => booth.booth.session.snapshot()).toBeNull();
      expect(booth.logText()).toContain('"reason":"idle"');

      // Nothing of the citizen is left in the page: not on screen, not hidden in the DOM.
      const html = await page.content();
      for (const trace of ['3174 0542', '3174054208', 'SITI', 'siti@', '0812 3456']) expect(html).not.toContain(trace);
    } finally {
      await page.close();
    }
  });
});
