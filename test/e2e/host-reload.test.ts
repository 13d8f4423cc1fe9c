// The headless host's page in Debian's Chromium: a reload never shows the
// previous citizen, a second window is told the booth is in use (and takes
// over once the first is gone), and the browser the host starts itself gets
// the token from the private launch file, never from its command line.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { openBoothWindow } from '../../src/host/browser';
import { writeLaunchFiles } from '../../src/host/launchFile';
import { CHROMIUM, chromiumFlags, openBrowser, type BrowserSession } from '../support/browser';
import { openBooth, screenshot, tap, typeOnKeys, waitForStep } from '../support/citizen';
import { startTestBooth, type TestBooth } from '../support/host';
import { siti, walkPageTo } from '../support/walkTo';

let booth: TestBooth;
let browser: BrowserSession;

beforeAll(async () => {
  booth = await startTestBooth({}, { ownerGraceMs: 3_000 });
  browser = await openBrowser({ width: 1920, height: 1080 });
});
afterAll(async () => {
  await browser?.close();
  await booth?.close();
});
// Each test starts with no session and the shared page on no booth: a page an earlier test left owning the booth lets it go.
beforeEach(async () => {
  await browser.page.goto('about:blank');
  booth.booth.session.wipe('cancel');
});

const citizenTraces = ['0542', '0890', 'siti', 'RAHMAWATI', 'contoh', '567890', '4567 890'];

describe('a page of the headless host', () => {
  it('starts at the welcome screen after a reload, with the previous citizen wiped', async () => {
    const { page } = browser;
    await openBooth(page, booth.host.launchUrl);
    await walkPageTo(page, 'review', { language: 'en' });
    expect(await page.content()).toContain(siti.email);
    await page.reload();
    await waitForStep(page, 'attract');
    const html = await page.content();
    for (const trace of citizenTraces) expect(html).not.toContain(trace);
    // The new page's first session call waits out the old page's reconnect grace (3 s here), which ends with the wipe.
    await expect.poll(() => booth.booth.session.snapshot(), { timeout: 5_000 }).toBeNull();
    expect(booth.logText()).toContain('"reason":"disconnected"');
    expect(await page.content()).not.toContain('siti');
  });

  it('tells a second window the booth is in use, and lets it take over once the first is closed', async () => {
    const first = await browser.context.newPage();
    let second: BrowserSession['page'] | undefined;
    try {
      await openBooth(first, booth.host.launchUrl);
      await walkPageTo(first, 'phone', { language: 'en' });
      await typeOnKeys(first, '0812345678');

      second = await browser.context.newPage();
      await openBooth(second, booth.host.launchUrl);
      await waitForStep(second, 'in-use');
      expect(await second.locator('main').textContent()).toContain('in use in another window');
      await screenshot(second, 'landscape-both-00b-in-use-elsewhere');
      for (const trace of ['3174', 'SITI', '0812']) expect(await second.content()).not.toContain(trace);

      await first.close();
      await waitForStep(second, 'attract');
      expect(booth.booth.session.snapshot()).toBeNull();
      await tap(second, 'start');
      await waitForStep(second, 'consent');
    } finally {
      if (!first.isClosed()) await first.close();
      await second?.close();
    }
  });

  it('copies a picture frame at WebSocket.send(), so zeroing it right after is safe', async () => {
    // A page and an echo socket on one loopback origin (Chromium keeps other pages from reaching loopback).
    const server = createServer((_request, response) => response.end('<!doctype html><title>echo</title>'));
    const echo = new WebSocketServer({ server });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    echo.on('connection', (ws) => ws.on('message', (data) => ws.send(data)));
    const port = (server.address() as { port: number }).port;
    const page = await browser.context.newPage();
    try {
      await page.goto(`http://127.0.0.1:${port}/`);
      const echoed = await page.evaluate(async (url) => {
        const ws = new WebSocket(url);
        ws.binaryType = 'arraybuffer';
        await new Promise((resolve) => (ws.onopen = resolve));
        const reply = new Promise<number[]>(
          (resolve) => (ws.onmessage = (event) => resolve([...new Uint8Array(event.data as ArrayBuffer)])),
        );
        const frame = Uint8Array.from({ length: 50_000 }, (_, i) => (i % 250) + 1);
        ws.send(frame);
        frame.fill(0);
        const bytes = await reply;
        ws.close();
        return { length: bytes.length, zeros: bytes.filter((b) => b === 0).length, first: bytes.slice(0, 4) };
      }, `ws://127.0.0.1:${port}`);
      expect(echoed).toEqual({ length: 50_000, zeros: 0, first: [1, 2, 3, 4] });
    } finally {
      await page.close();
      for (const client of echo.clients) client.terminate();
      await new Promise((resolve) => echo.close(resolve));
      server.closeAllConnections(); // Chromium keeps the page's connection alive for minutes
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the browser the host starts itself', () => {
  it('reaches the booth with the token from the private launch file, which no command line shows', async () => {
    const runtime = mkdtempSync(join(tmpdir(), 'booth-runtime-'));
    const launch = writeLaunchFiles(booth.host.launchUrl, runtime);
    const connectedBefore = booth.logText().split('"event":"contract.connected"').length;
    const window = openBoothWindow(launch.pageUrl, { kiosk: false, executable: CHROMIUM, extraArgs: chromiumFlags });
    try {
      await expect
        .poll(() => booth.logText().split('"event":"contract.connected"').length, { timeout: 20_000 })
        .toBeGreaterThan(connectedBefore);
      const leaking = commandLines().filter((line) => line.includes(booth.host.token));
      expect(leaking).toEqual([]);
      expect(commandLines().some((line) => line.includes(launch.pageUrl))).toBe(true);
    } finally {
      window.close();
      launch.remove();
      rmSync(runtime, { recursive: true, force: true });
    }
  });
});

/** Every process's command line, as another local user could read it. */
function commandLines(): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
    } catch {
      // The process ended meanwhile.
    }
  }
  return lines;
}
