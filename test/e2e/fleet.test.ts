// The reference upstream's fleet page as an operator reads it in Chromium:
// five booths in the registry, each in a different state reached through
// real signed heartbeats over HTTP (RFC 9421, each booth with its own
// Ed25519 key). With heartbeats expected every second, a booth is late after
// three seconds of silence, so the others are sent a last heartbeat just
// before each page load and the page is read at once (its table also
// updates itself in place every 10 s, unless paused). Screenshots at normal
// size and at 200% text go to /tmp/fleet-*.png.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser, type BrowserSession } from '../support/browser';
import { seriousAxeViolations } from '../support/citizen';
import { startTestUpstream, type TestUpstream } from '../support/upstream';
import { signBoothRequest } from '../../src/core/sync';
import { BoothRegistry } from '../../src/upstream/registry';
import type { FleetStatus } from '../../src/upstream/fleet';
import type { HeartbeatBody } from '../../src/shared/upstream/api';

const OK = 'BOOTH-OK-01';
const GROWING = 'BOOTH-GROWING-02';
const LATE = 'BOOTH-LATE-03';
const SILENT = 'BOOTH-SILENT-04';
const REVOKED = 'BOOTH-REVOKED-05';

/** What an operator should read for each booth: the row's data-flags and the flag words shown. */
const expected: Record<string, { flags: string; shown: string[] }> = {
  [OK]: { flags: '', shown: ['OK'] },
  [GROWING]: { flags: 'queue-growing', shown: ['queue growing'] },
  [LATE]: { flags: 'late', shown: ['late heartbeat'] },
  [SILENT]: { flags: 'never-heard', shown: ['no heartbeat yet'] },
  [REVOKED]: { flags: 'revoked', shown: ['revoked'] },
};

/** A laptop screen, as an operator at a desk would have. */
const VIEWPORT = { width: 1280, height: 800 };

const keys = new Map<string, KeyObject>();

function heartbeat(boothId: string, depth: number): HeartbeatBody {
  const now = new Date().toISOString();
  return {
    boothId,
    sentAt: now,
    queue: { depth, oldestAgeSeconds: depth > 0 ? 120 : null },
    sync: { state: 'idle', lastSuccessAt: now, lastError: null, clockOffsetMs: 15 },
    disk: { freeBytes: 48e9 },
    software: { version: '0.1.0', models: {} },
    selfTest: { state: 'passed', detail: null },
  };
}

describe('the fleet page, as an operator reads it', () => {
  let upstream: TestUpstream;
  let browser: BrowserSession;

  /** Sends one signed heartbeat over HTTP; answers the status code. */
  async function sendHeartbeat(boothId: string, depth: number): Promise<number> {
    const signingKey = keys.get(boothId);
    if (!signingKey) throw new Error(`no key for ${boothId}`);
    const signed = await signBoothRequest({
      method: 'POST',
      url: `${upstream.url}/v1/heartbeats`,
      body: new TextEncoder().encode(JSON.stringify(heartbeat(boothId, depth))),
      contentType: 'application/json',
      boothId,
      signingKey,
      created: new Date(),
    });
    const response = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: signed.body as unknown as ArrayBuffer });
    await response.arrayBuffer();
    return response.status;
  }

  /** The booths that still speak get a last word (the growing one's last three depths still rising), then the page is read. */
  async function keepFreshThen<T>(read: () => Promise<T>): Promise<T> {
    expect(await sendHeartbeat(OK, 0)).toBe(200);
    for (const depth of [2, 5, 9]) expect(await sendHeartbeat(GROWING, depth)).toBe(200);
    return read();
  }

  const fleetJson = async (): Promise<FleetStatus> => (await (await fetch(`${upstream.url}/v1/fleet`)).json()) as FleetStatus;

  async function loadFleetPage(page: Page): Promise<void> {
    await keepFreshThen(() => page.goto(`${upstream.url}/fleet`));
    await page.locator('table').waitFor();
  }

  /** Waits (at most `timeoutMs`) until the upstream flags the late booth, and only it, as late. */
  async function lateWithin(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    let flags: string[] | undefined;
    while (Date.now() < until) {
      flags = (await fleetJson()).booths.find((booth) => booth.boothId === LATE)?.flags;
      if (flags?.join(' ') === 'late') return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`${LATE} was not flagged late within ${timeoutMs} ms; its flags: ${JSON.stringify(flags)}`);
  }

  const row = (page: Page, boothId: string) => page.locator(`tbody tr[data-booth="${boothId}"]`);

  beforeAll(async () => {
    upstream = await startTestUpstream('pglite', { heartbeatExpectedS: 1 });
    const registry = new BoothRegistry(upstream.db);
    for (const boothId of [OK, GROWING, LATE, SILENT, REVOKED]) {
      const pair = generateKeyPairSync('ed25519');
      keys.set(boothId, pair.privateKey);
      const registered = await registry.register(boothId, pair.publicKey.export({ format: 'jwk' }).x ?? '', 'operator');
      expect(registered).toEqual({ ok: true, created: true });
    }
    expect(await registry.revoke(REVOKED, 'stolen from the kecamatan office')).toBe(true);

    // The late booth speaks once; the others from the start too.
    expect(await sendHeartbeat(LATE, 1)).toBe(200);
    expect(await sendHeartbeat(OK, 0)).toBe(200);
    for (const depth of [2, 5, 9]) expect(await sendHeartbeat(GROWING, depth)).toBe(200);
    // Until the upstream itself counts the late booth's heartbeat as more than three intervals (3 s) old.
    await lateWithin(10_000);

    browser = await openBrowser(VIEWPORT);
  });

  afterAll(async () => {
    await browser?.close();
    await upstream?.close();
  });

  it('refuses a heartbeat from the revoked booth', async () => {
    expect(await sendHeartbeat(REVOKED, 0)).toBe(403);
  });

  it('gives the same flags in /v1/fleet as JSON', async () => {
    const fleet = await keepFreshThen(fleetJson);
    const flagsOf = Object.fromEntries(fleet.booths.map((booth) => [booth.boothId, booth.flags.join(' ')]));
    expect(flagsOf).toEqual(Object.fromEntries(Object.entries(expected).map(([boothId, { flags }]) => [boothId, flags])));
    expect(fleet.totals).toMatchObject({ booths: 5, needingAttention: 4, queued: 10 });
    const growing = fleet.booths.find((booth) => booth.boothId === GROWING);
    expect(growing?.heartbeat?.queue.depth).toBe(9);
    expect(growing?.recentDepths.slice(0, 3)).toEqual([9, 5, 2]);
    expect(fleet.booths.find((booth) => booth.boothId === SILENT)).toMatchObject({ lastHeartbeatAt: null, heartbeat: null });
    expect(fleet.booths.find((booth) => booth.boothId === REVOKED)?.status).toBe('revoked');
  });

  it('says which booths need attention, row by row, in words and in colour', async () => {
    const page = browser.page;
    await loadFleetPage(page);

    // A page an assistive technology can name and walk.
    expect(await page.title()).toBe('Anjungan IKD fleet');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1, name: 'Anjungan IKD fleet' }).count()).toBe(1);
    const headers = page.locator('thead th');
    expect(await headers.count()).toBe(12);
    for (const scope of await headers.evaluateAll((cells) => cells.map((cell) => cell.getAttribute('scope')))) expect(scope).toBe('col');
    expect(await page.getByRole('columnheader', { name: 'Attention' }).count()).toBe(1);
    // One row per booth: those needing attention first, then by booth id.
    expect(await page.locator('tbody th[scope="row"]').allInnerTexts()).toEqual([GROWING, LATE, REVOKED, SILENT, OK]);

    // The summary line: 4 of the 5 booths need someone.
    const summary = page.locator('p.summary');
    expect(await summary.innerText()).toMatch(
      /^4 of 5 booths need attention · 10 enrollments queued on booths · 0 records received · updated \d\d:\d\d:\d\d UTC \(\d\d:\d\d WIB\)$/,
    );

    for (const [boothId, { flags, shown }] of Object.entries(expected)) {
      const line = row(page, boothId);
      expect(await line.getAttribute('data-flags'), boothId).toBe(flags);
      const attention = line.locator('td').first();
      if (flags === '') {
        expect(await line.getAttribute('class')).toBe('ok');
        expect(await attention.innerText()).toBe('OK');
      } else {
        expect(await line.getAttribute('class')).toBe('attention');
        expect(await line.locator('.flag').allInnerTexts(), boothId).toEqual(shown);
      }
    }
    // The queue column (third): 9 for the growing booth, 0 for the quiet one, a dash for those never heard.
    const queueOf = (boothId: string) => row(page, boothId).locator('td').nth(1).innerText();
    expect(await queueOf(GROWING)).toBe('9');
    expect(await queueOf(OK)).toBe('0');
    expect(await queueOf(SILENT)).toBe('—');
    expect(await row(page, SILENT).locator('td').nth(4).innerText()).toBe('—'); // its last heartbeat

    // Rows needing attention stand out from the OK row by their background.
    const background = (boothId: string) => row(page, boothId).evaluate((element) => getComputedStyle(element).backgroundColor);
    const okBackground = await background(OK);
    for (const boothId of [GROWING, LATE, SILENT, REVOKED]) {
      const colour = await background(boothId);
      expect(colour, boothId).not.toBe(okBackground);
      expect(colour, boothId).not.toBe('rgba(0, 0, 0, 0)');
    }

    // No reload under the reader (WCAG 2.2.1): the table updates in place, and the operator can pause it.
    const violations = await seriousAxeViolations(page);
    expect(violations.map((violation) => violation.id)).toEqual([]);
    const pause = page.getByRole('button', { name: 'Pause updates' });
    await pause.click();
    expect(await page.getByRole('button', { name: 'Resume updates' }).getAttribute('aria-pressed')).toBe('true');
    await page.screenshot({ path: '/tmp/fleet-100.png', fullPage: true });
  });

  it('stays readable with text at 200%: the summary fits the width', async () => {
    const page = browser.page;
    await loadFleetPage(page);
    await page.evaluate(() => (document.documentElement.style.fontSize = '200%'));
    const summaryPx = await page.locator('p.summary').evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
    expect(summaryPx).toBeCloseTo(1.05 * 32, 1); // twice the browser's 16 px

    const summary = await page.locator('p.summary').evaluate((element) => ({
      right: element.getBoundingClientRect().right,
      scrollWidth: element.scrollWidth,
      clientWidth: element.clientWidth,
      viewport: window.innerWidth,
    }));
    expect(summary.scrollWidth).toBeLessThanOrEqual(summary.clientWidth + 1);
    expect(summary.right).toBeLessThanOrEqual(summary.viewport + 0.5);
    // The flags are still read as words at this size, and the booth and its flags need no sideways scrolling (the table
    // itself is wider than the screen at 200%: the columns right of the queue are reached by scrolling).
    expect(await row(page, LATE).locator('.flag').innerText()).toBe('late heartbeat');
    const attentionRight = await page
      .getByRole('columnheader', { name: 'Attention' })
      .evaluate((element) => element.getBoundingClientRect().right);
    expect(attentionRight).toBeLessThanOrEqual(VIEWPORT.width);

    await page.screenshot({ path: '/tmp/fleet-200.png' });
    await page.screenshot({ path: '/tmp/fleet-200-full.png', fullPage: true });
  });
});
