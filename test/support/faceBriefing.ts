// The face step's briefing as a citizen passes it: wait until the actions
// of the challenge are shown, read them, and tap "I am ready".
import type { Page } from 'playwright-core';
import type { LivenessAction } from '../../src/shared/face/liveness';
import { tap } from './citizen';

/** The actions the briefing shows, in its order (empty until it shows). */
export async function briefedActions(page: Page): Promise<LivenessAction[]> {
  const items = page.getByTestId('face-briefing-action');
  return (await items.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-action')))) as LivenessAction[];
}

/** Waits for the briefing (the models and the camera may take a while), then taps "I am ready"; returns the actions shown. */
export async function passBriefing(page: Page, timeoutMs = 30_000): Promise<LivenessAction[]> {
  await page.getByTestId('face-ready').waitFor({ state: 'visible', timeout: timeoutMs });
  const actions = await briefedActions(page);
  await tap(page, 'face-ready');
  return actions;
}
