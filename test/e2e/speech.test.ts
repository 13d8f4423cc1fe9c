// Spoken guidance as a citizen hears it, in real Chromium (autoplay allowed,
// as the kiosk shell allows it): each screen says its instruction as it
// appears and again on "Repeat", in the language chosen; a deployment's
// voice pack replaces the generated audio key by key; the volume a citizen
// chose goes back to the booth's default for the next session.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { languages } from '../../src/shared/journey/machine';
import { voiceManifest } from '../../src/renderer/speech/voiceManifest';
import { VOICE_DIR } from '../../scripts/voice/index';
import { openBrowser, type BrowserSession } from '../support/browser';
import { openBooth, screenshot, tap, waitForStep } from '../support/citizen';
import { ensureFaceVideos, fakeCameraArgs, livenessVideoSettings } from '../support/fakeCamera';
import { startTestBooth, type TestBooth } from '../support/host';
import { passBriefing } from '../support/faceBriefing';
import { walkPageTo } from '../support/walkTo';

const DEFAULT_VOLUME = 0.6;
/** The one recording in the test's voice pack: the English consent heading (any Ogg Opus file serves). */
const PACKED = 'consent.title.en.ogg';

interface Heard {
  key: string;
  language: string;
  src: string;
  volume: number;
  requests: number;
  plays: number;
  tones: number;
  lastTone: string;
}

/** What the page's speech element says now, as its data attributes and media state show. */
async function heard(page: Page): Promise<Heard> {
  return page.getByTestId('speech-audio').evaluate((element) => {
    const audio = element as HTMLAudioElement;
    return {
      key: audio.dataset['key'] ?? '',
      language: audio.dataset['language'] ?? '',
      src: audio.getAttribute('src') ?? '',
      volume: audio.volume,
      requests: Number(audio.dataset['requests'] ?? 0),
      plays: Number(audio.dataset['plays'] ?? 0),
      tones: Number(audio.dataset['tones'] ?? 0),
      lastTone: audio.dataset['lastTone'] ?? '',
    };
  });
}

describe('spoken guidance', () => {
  let booth: TestBooth;
  let browser: BrowserSession;
  let pack: string;
  const audioAnswers: Array<{ url: string; status: number; type: string }> = [];

  beforeAll(async () => {
    pack = mkdtempSync(join(tmpdir(), 'booth-voice-pack-'));
    copyFileSync(join(VOICE_DIR, 'id', `${voiceManifest.files['attract.start']!.id!.hash}.ogg`), join(pack, PACKED));
    booth = await startTestBooth({ speech: { defaultVolume: DEFAULT_VOLUME, voicePackDir: pack } });
    browser = await openBrowser({ width: 1080, height: 1920 }, ['--autoplay-policy=no-user-gesture-required']);
    browser.page.on('response', (response) => {
      if (/\/(voice|models\/voice-pack)\//.test(response.url()))
        audioAnswers.push({ url: response.url(), status: response.status(), type: response.headers()['content-type'] ?? '' });
    });
  });
  afterAll(async () => {
    await browser?.close();
    await booth?.close();
    rmSync(pack, { recursive: true, force: true });
  });

  it.each(languages)('says the screen instruction on entry and again on Repeat (%s)', async (language) => {
    const page = browser.page;
    booth.booth.session.wipe('cancel');
    await openBooth(page, booth.host.launchUrl);
    await walkPageTo(page, 'consent', { language });

    // On entry: the heading, in the chosen language, from the voice pack where it has the key, and it really plays.
    const expected = language === 'en' ? `models/voice-pack/${PACKED}` : `voice/id/${voiceManifest.files['consent.title']!.id!.hash}.ogg`;
    await expect.poll(async () => (await heard(page)).src, { timeout: 10_000 }).toBe(expected);
    const entry = await heard(page);
    expect(entry).toMatchObject({ key: 'consent.title', language });
    await expect.poll(async () => (await heard(page)).plays, { timeout: 10_000 }).toBeGreaterThan(0);
    await expect
      .poll(() => audioAnswers.find((answer) => answer.url.endsWith(expected)), { timeout: 10_000 })
      .toMatchObject({ status: 200, type: 'audio/ogg' });
    // Then the hint, in turn, never over it.
    await expect.poll(async () => (await heard(page)).key, { timeout: 20_000 }).toBe('consent.intro');

    // Repeat: the heading again, from the start.
    const before = await heard(page);
    await tap(page, 'speech-repeat');
    await expect.poll(async () => (await heard(page)).key).toBe('consent.title');
    const repeated = await heard(page);
    expect(repeated.src).toBe(expected);
    expect(repeated.requests).toBeGreaterThan(before.requests);
    await expect.poll(async () => (await heard(page)).plays, { timeout: 10_000 }).toBeGreaterThan(before.plays);
    if (language === 'id') await screenshot(page, 'speech-consent-id-repeat');
  });

  it('says the language screen in both languages, before a language is chosen', async () => {
    const page = browser.page;
    booth.booth.session.wipe('cancel');
    await openBooth(page, booth.host.launchUrl);
    await walkPageTo(page, 'language');
    await expect.poll(async () => (await heard(page)).key, { timeout: 10_000 }).toBe('language.title');
    await expect.poll(async () => (await heard(page)).language, { timeout: 15_000 }).toBe('en');
    expect(await page.getByTestId('speech-repeat').textContent()).toContain('Ulangi / Repeat');
    await screenshot(page, 'speech-language-bilingual');
  });

  it("sets the volume for this session only: the next citizen starts at the booth's default", async () => {
    const page = browser.page;
    booth.booth.session.wipe('cancel');
    await openBooth(page, booth.host.launchUrl);
    await walkPageTo(page, 'consent', { language: 'id' });
    await expect.poll(async () => (await heard(page)).volume, { timeout: 10_000 }).toBeCloseTo(DEFAULT_VOLUME, 5);

    await tap(page, 'speech-louder');
    await tap(page, 'speech-louder');
    await expect.poll(async () => (await heard(page)).volume).toBeCloseTo(1, 5);
    expect(await page.getByTestId('speech-louder').isDisabled()).toBe(true);
    expect(await page.getByTestId('speech-level').textContent()).toBe('100 %');

    // The citizen cancels; the next one starts at the default again, without a reload.
    await tap(page, 'cancel-erase');
    await tap(page, 'cancel-confirm');
    await waitForStep(page, 'attract');
    await walkPageTo(page, 'consent', { language: 'en' });
    await expect.poll(async () => (await heard(page)).volume).toBeCloseTo(DEFAULT_VOLUME, 5);
    expect(await page.getByTestId('speech-level').textContent()).toBe(`${DEFAULT_VOLUME * 100} %`);
  });

  // Last: the page's clock is Playwright's from here on, so the idle minute passes at once.
  it('calls back a citizen who walked away: a tone, then the idle warning is said without its countdown', async () => {
    booth.booth.session.wipe('cancel');
    const page = browser.page;
    await page.clock.install();
    await openBooth(page, booth.host.launchUrl);
    await walkPageTo(page, 'consent', { language: 'en' });
    await expect.poll(async () => (await heard(page)).key, { timeout: 10_000 }).toBe('consent.title');
    const before = await heard(page);
    expect(before.tones).toBe(0);

    await page.clock.runFor(61_000);
    await page.getByTestId('idle-warning').waitFor();
    await expect.poll(async () => (await heard(page)).tones).toBe(1);
    expect((await heard(page)).lastTone).toBe('idle');
    await expect.poll(async () => (await heard(page)).key).toBe('idle.title');
    expect((await heard(page)).language).toBe('en');
    await expect.poll(async () => (await heard(page)).plays, { timeout: 10_000 }).toBeGreaterThan(before.plays);
    await expect.poll(async () => (await heard(page)).key, { timeout: 15_000 }).toBe('speech.idle.body');
    await tap(page, 'idle-continue');
  });
});

describe('spoken guidance at the face step', () => {
  let booth: TestBooth;
  let browser: BrowserSession;

  beforeAll(async () => {
    const videos = await ensureFaceVideos();
    booth = await startTestBooth({
      devices: { card: { driver: 'emulated-serial', identity: 0, baudRate: 921600 } },
      // The synthesized video answers this order; a production booth draws it at random.
      face: { liveness: livenessVideoSettings() },
    });
    browser = await openBrowser({ width: 1920, height: 1080 }, [
      ...fakeCameraArgs(videos.good),
      '--autoplay-policy=no-user-gesture-required',
    ]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await booth?.close();
  });

  it('says the screen, then each prompt, and sounds a tone as each challenge action begins', async () => {
    const page = browser.page;
    await openBooth(page, booth.host.launchUrl);
    await walkPageTo(page, 'face', { language: 'id' });
    const said = async () => (await page.getByTestId('speech-audio').getAttribute('data-said'))?.split(' ') ?? [];
    // The briefing first: its heading and how it goes, each action of this challenge in its order, and how to begin.
    const briefing = [
      'face.briefing.title',
      'speech.face.briefing.intro',
      'face.briefing.blink',
      'face.briefing.turnLeft',
      'face.briefing.turnRight',
      'speech.face.briefing.ready',
    ];
    await expect.poll(said, { timeout: 30_000 }).toEqual(expect.arrayContaining(briefing));
    expect((await said()).filter((key) => briefing.includes(key))).toEqual(briefing);
    await passBriefing(page);
    await expect.poll(said, { timeout: 15_000 }).toEqual(expect.arrayContaining(['face.title', 'face.hint']));
    // The first action: a tone, then its words (the challenge starts once the good video passes the quality gate).
    await expect.poll(async () => (await heard(page)).lastTone, { timeout: 60_000 }).toBe('action');
    await expect.poll(said, { timeout: 20_000 }).toContain('face.action.blink');
    const spoken = await said();
    // The prompts came after the screen's own words, never cutting them off.
    expect(spoken.indexOf('face.hint')).toBeGreaterThanOrEqual(0);
    expect(spoken.indexOf('face.hint')).toBeLessThan(spoken.indexOf('face.action.blink'));
    expect((await heard(page)).language).toBe('id');
  });
});
