// The page's face engine (src/renderer/face/faceEngine.ts) in Chromium
// against the real host: MediaPipe is loaded and warmed on the shipped
// picture while the booth shows its attract screen, before anyone starts,
// and every face step after that, citizen after citizen, uses those same
// models rather than loading them again (loading again would throw away
// what the warm-up bought).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DETECTOR_FILE, LANDMARKER_FILE, WARMUP_PICTURE } from '../../src/shared/face/assets';
import { openBrowser, type BrowserSession } from '../support/browser';
import { openBooth, tap, waitForStep } from '../support/citizen';
import { ensureFaceVideos, fakeCameraArgs } from '../support/fakeCamera';
import { startTestBooth, type TestBooth } from '../support/host';
import { walkPageTo } from '../support/walkTo';
import { passBriefing } from '../support/faceBriefing';

const WARMUP_FRAMES = 40;

let booth: TestBooth | null = null;
let browser: BrowserSession | null = null;
let video = '';

beforeAll(async () => {
  video = (await ensureFaceVideos()).good;
}, 120_000);

afterEach(async () => {
  await browser?.close();
  browser = null;
  await booth?.close();
  booth = null;
});

afterAll(async () => {
  await browser?.close();
  await booth?.close();
});

/** A booth page with the good video as its camera; counts what the page fetched from models/. */
async function openWithCamera(warmUpFrames: number): Promise<{ page: Page; fetched: (name: string) => number; console: string[] }> {
  booth = await startTestBooth({ devices: { card: { driver: 'emulated-serial', identity: 0, baudRate: 921600 } }, face: { warmUpFrames } });
  browser = await openBrowser({ width: 1920, height: 1080 }, fakeCameraArgs(video));
  const page = browser.page;
  const paths: string[] = [];
  const messages: string[] = [];
  page.on('request', (request) => paths.push(new URL(request.url()).pathname));
  // Errors, and the screen's note of a failed warm-up (MediaPipe's own warnings pass).
  page.on('console', (message) => {
    if (message.type() === 'error' || message.text().startsWith('face warm-up failed')) messages.push(message.text());
  });
  return { page, fetched: (name) => paths.filter((path) => path === `/models/${name}`).length, console: messages };
}

const phaseOf = (page: Page) =>
  page
    .getByTestId('face-stage')
    .getAttribute('data-phase', { timeout: 1000 })
    .catch(() => null);

describe('the face engine', () => {
  it('warms MediaPipe at the attract screen, before anyone starts, and two citizens in a row use the same models', async () => {
    const { page, fetched, console: messages } = await openWithCamera(WARMUP_FRAMES);
    const warmed = page.waitForEvent('console', { predicate: (message) => message.text().startsWith('face warm-up:'), timeout: 60_000 });
    await openBooth(page, booth!.host.launchUrl);
    await waitForStep(page, 'attract');
    const report = (await warmed).text();
    expect(report).toMatch(new RegExp(`^face warm-up: ${WARMUP_FRAMES} frames \\(\\d+ with the face\\) in \\d+ ms$`));
    // Every frame but the blank ones (1 in 10) had the picture's face found: the landmark model itself ran, not only the detector.
    expect(Number(/\((\d+) with the face\)/.exec(report)![1])).toBe(WARMUP_FRAMES - WARMUP_FRAMES / 10);
    // Nobody has started: the warm-up ran on the shipped picture, with no session and no camera.
    expect(booth!.booth.session.snapshot()).toBeNull();
    for (const name of [WARMUP_PICTURE.file, LANDMARKER_FILE, DETECTOR_FILE]) expect(fetched(name), name).toBe(1);

    for (const citizen of [1, 2]) {
      // From the attract screen the page already shows: the page is never reloaded.
      await walkPageTo(page, 'face', { language: 'en' });
      await passBriefing(page);
      // The good video passes the gate on the warmed models: the challenge begins.
      await expect.poll(() => phaseOf(page), { timeout: 30_000 }).toBe('challenge');
      await tap(page, 'cancel-erase');
      await tap(page, 'cancel-confirm');
      await waitForStep(page, 'attract');
      expect(booth!.booth.session.snapshot(), `citizen ${citizen}`).toBeNull();
    }
    // Still one fetch of each: both face steps borrowed the page's models.
    for (const name of [LANDMARKER_FILE, DETECTOR_FILE]) expect(fetched(name), name).toBe(1);
    // MediaPipe writes its start-up note to the error console, once per task created: two tasks, made once.
    const created = (text: string) => text.startsWith('INFO: Created TensorFlow Lite XNNPACK delegate');
    expect(messages.filter(created)).toHaveLength(2);
    expect(messages.filter((text) => !created(text))).toEqual([]);
  }, 180_000);

  it('with the warm-up turned off, loads nothing until a citizen reaches the face step', async () => {
    const { page, fetched } = await openWithCamera(0);
    await openBooth(page, booth!.host.launchUrl);
    await waitForStep(page, 'attract');
    // Longer than the screen waits before it would warm up.
    await page.waitForTimeout(3000);
    expect(fetched(LANDMARKER_FILE)).toBe(0);
    expect(fetched(WARMUP_PICTURE.file)).toBe(0);
    await walkPageTo(page, 'face', { language: 'en' });
    await passBriefing(page);
    await expect.poll(() => phaseOf(page), { timeout: 30_000 }).toBe('challenge');
    expect(fetched(LANDMARKER_FILE)).toBe(1);
    expect(fetched(WARMUP_PICTURE.file)).toBe(0);
  }, 120_000);

  it('gives way when a citizen reaches the face step before the warm-up is done', async () => {
    // 2000 frames take most of a minute; the walk to the face step takes seconds.
    const { page, fetched } = await openWithCamera(2000);
    const warmed = page.waitForEvent('console', { predicate: (message) => message.text().startsWith('face warm-up:'), timeout: 60_000 });
    await openBooth(page, booth!.host.launchUrl);
    await walkPageTo(page, 'face', { language: 'en' });
    const report = (await warmed).text();
    expect(report).toMatch(/^face warm-up: \d+ frames \(\d+ with the face\) in \d+ ms \(a face step began first\)$/);
    expect(Number(/(\d+) frames/.exec(report)![1])).toBeLessThan(2000);
    await passBriefing(page);
    await expect.poll(() => phaseOf(page), { timeout: 30_000 }).toBe('challenge');
    expect(fetched(LANDMARKER_FILE)).toBe(1);
  }, 120_000);
});
