// What a citizen does at the booth, as Playwright steps: tap what is shown,
// type on the booth's own keyboards. Also the checks every screen gets
// (axe-core scan, screenshot).
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
/** axe-core's script, read on the first scan (not by every test that only taps). */
let axeSource: string | undefined;
export const screenshotDir = resolve(import.meta.dirname, '../../test-results/screenshots');

/** Loads the booth page afresh (a hash-only change would not reload it). */
export async function openBooth(page: Page, launchUrl: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(launchUrl);
}

/** Taps what carries `data-testid`, waiting for it at most `timeoutMs` (Playwright's default when not given). */
export async function tap(page: Page, testId: string, timeoutMs?: number): Promise<void> {
  await page.getByTestId(testId).click(timeoutMs === undefined ? {} : { timeout: timeoutMs });
}

/** Types on the on-screen keyboard; shortcut keys like ".co.id" are given as tokens. */
export async function typeOnKeys(page: Page, tokens: string | string[]): Promise<void> {
  const list = typeof tokens === 'string' ? [...tokens] : tokens;
  for (const token of list) await page.getByTestId(`key-${token === '+' ? 'plus' : token}`).click();
}

export async function stepShown(page: Page): Promise<string> {
  const frame = page.locator('[data-step]').first();
  await frame.waitFor();
  return (await frame.getAttribute('data-step')) ?? '';
}

export async function waitForStep(page: Page, step: string): Promise<void> {
  await page.locator(`[data-step="${step}"]`).first().waitFor({ timeout: 10_000 });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core in the page (injected through DevTools, so the page CSP is untouched), on the whole document or on the
 * part `within` selects (a modal dialog: what lies blurred behind it is not meant to be read while it is open).
 */
export async function seriousAxeViolations(page: Page, within?: string): Promise<AxeViolation[]> {
  const hasAxe = await page.evaluate(() => 'axe' in window);
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!hasAxe) await page.evaluate(`${axeSource}\n;undefined`);
  const violations = await page.evaluate(async (selector) => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            context: Document | Element,
            options: object,
          ) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }>;
        };
      }
    ).axe;
    const context = selector ? document.querySelector(selector) : document;
    if (!context) throw new Error(`axe: nothing matches ${selector}`);
    const result = await axe.run(context, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((node) => node.target.join(' ')),
    }));
  }, within);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  // Let press animations settle so the picture shows the resting screen.
  await page.waitForTimeout(120);
  await page.screenshot({ path: resolve(screenshotDir, `${name}.png`) });
}
