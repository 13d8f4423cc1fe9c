// Officer sign-off end to end, in Chromium: a citizen finishes the journey
// on the booth (the real host, fake camera, the test citizen's card) and the
// sign-off QR shows; the officer console (served by the reference upstream,
// on a phone-sized Chromium whose fake camera shows that QR) reads it,
// verifies it in the page, shows the evidence and the photos; the officer
// approves and the booth reaches done through its long-poll (online). A
// second booth, offline, reads the officer's approval QR through its own
// fake camera. The activation e-mail reaches a real SMTP server on
// 127.0.0.1 and its code redeems once. Each bad code typed into the console
// shows its own message.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { encode as base45Encode, decode as base45Decode } from '@digitalbazaar/base45';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type BrowserSession } from '../support/browser';
import { openBooth, screenshot, seriousAxeViolations, tap } from '../support/citizen';
import { ensureFaceVideos, fakeCameraArgs, livenessVideoSettings } from '../support/fakeCamera';
import { passBriefing } from '../support/faceBriefing';
import { startTestBooth, type TestBooth } from '../support/host';
import { readQrPng } from '../support/qrRead';
import { writeQrVideo } from '../support/qrVideo';
import { startTestSmtp, type TestSmtp } from '../support/smtp';
import { testIdentities } from '../../src/core/card/emulator/identities';
import {
  startTestUpstream,
  testSyncConfig,
  testUpstreamDatabase,
  testUpstreamKeys,
  upstreamRecords,
  type TestUpstream,
} from '../support/upstream';
import { siti, walkPageTo } from '../support/walkTo';
import { boothKid, issueSignoffToken } from '../../src/core/signoff';
import { rawEd25519PublicKey } from '../../src/core/vault';
import { consoleCatalogues } from '../../src/console/messages';
import { catalogues } from '../../src/renderer/i18n';
import { SIGNOFF_PREFIX } from '../../src/shared/signoff/token';
import { Officers } from '../../src/upstream/officers';
import { BoothRegistry } from '../../src/upstream/registry';

const PASSWORD = 'correct horse battery';
const work = mkdtempSync(join(tmpdir(), 'e2e-signoff-'));
let upstream: TestUpstream;
let smtp: TestSmtp;
let database: Awaited<ReturnType<typeof testUpstreamDatabase>>;
let livenessVideo: string;
const sessions: BrowserSession[] = [];
const booths: TestBooth[] = [];

beforeAll(async () => {
  livenessVideo = (await ensureFaceVideos()).liveness;
  database = await testUpstreamDatabase('pglite');
  const officers = new Officers(database.db, testUpstreamKeys, { passwordCost: { N: 2 ** 10, r: 8, p: 1 } });
  smtp = await startTestSmtp();
  upstream = await startTestUpstream('pglite', {
    db: database.db,
    officers,
    mail: { url: smtp.url, from: 'IKD Dukcapil <no-reply@ikd.test>' },
  });
  await officers.add('siti.r', 'Siti Rahmawati', PASSWORD);
}, 120_000);

afterAll(async () => {
  for (const session of sessions) await session.close();
  for (const booth of booths) await booth.close();
  await upstream?.close();
  await database?.release();
  await smtp?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function boothWith(id: string, online: boolean): Promise<TestBooth> {
  const booth = await startTestBooth({
    booth: { id },
    // Test citizen 3: the person in the face video.
    devices: { card: { driver: 'emulated-serial', identity: 3, baudRate: 921600 } },
    face: { liveness: livenessVideoSettings() },
    sync: online ? testSyncConfig(upstream.url) : testSyncConfig(null),
  });
  booths.push(booth);
  return booth;
}

/** The booth's screen, walked by the citizen to the sign-off, its camera playing `camera`. */
async function citizenAtSignoff(booth: TestBooth, camera: string): Promise<{ page: Page; token: string }> {
  const browser = await openBrowser({ width: 1920, height: 1080 }, fakeCameraArgs(camera));
  sessions.push(browser);
  await openBooth(browser.page, booth.host.launchUrl);
  await walkPageTo(browser.page, 'face', { language: 'en' });
  await passBriefing(browser.page);
  const qr = browser.page.getByTestId('signoff-qr');
  await qr.waitFor({ timeout: 60_000 });
  return { page: browser.page, token: (await qr.getAttribute('data-token'))! };
}

/** The officer's phone with the console open and logged in; its camera plays `camera` (or the default fake pattern). */
async function officerPhone(camera?: string): Promise<Page> {
  const browser = await openBrowser({ width: 412, height: 915 }, camera ? fakeCameraArgs(camera) : ['--use-fake-ui-for-media-stream']);
  sessions.push(browser);
  const page = browser.page;
  await page.goto(`${upstream.url}/console/`);
  await page.getByTestId('login-id').fill('siti.r');
  await page.getByTestId('login-password').fill(PASSWORD);
  await screenshot(page, 'phone-id-console-login');
  await tap(page, 'login-submit');
  await page.getByTestId('scan-camera').waitFor({ timeout: 10_000 });
  return page;
}

const stepOf = (page: Page) =>
  page
    .locator('[data-step]')
    .first()
    .getAttribute('data-step', { timeout: 500 })
    .catch(() => null);

describe('officer sign-off, online', () => {
  let phone: Page;
  let approvedToken: string;

  it('the console reads the booth’s QR through the phone camera, shows the evidence and photos; an approval ends the journey', async () => {
    const booth = await boothWith('E2E-SIGNOFF-ON', true);
    const { page, token } = await citizenAtSignoff(booth, livenessVideo);
    approvedToken = token;
    expect(token.startsWith(SIGNOFF_PREFIX)).toBe(true);
    expect(await page.getByTestId('signoff-qr').getAttribute('data-version')).toBe('10');
    expect(await page.getByTestId('signoff-officer').textContent()).toBe(catalogues.en['signoff.forOfficer'].replace('{last4}', '0004'));
    // The code as drawn on the screen scans: ZXing reads the screenshot back to the same text.
    const shot = await page.getByTestId('signoff-qr').screenshot();
    expect((await readQrPng(shot)).map((read) => read.text)).toEqual([token]);
    await screenshot(page, 'landscape-en-14-signoff');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await tap(page, 'switch-language');
    await screenshot(page, 'landscape-id-14-signoff');
    await tap(page, 'large-text');
    await screenshot(page, 'landscape-id-14-signoff-200');
    await tap(page, 'large-text');

    // The enrollment reaches the upstream, so the console can show its photos.
    await expect
      .poll(async () => (await upstreamRecords(upstream.db)).filter((row) => row.boothId === 'E2E-SIGNOFF-ON').length, { timeout: 20_000 })
      .toBe(1);
    const tokenVideo = join(work, 'token.y4m');
    writeQrVideo(tokenVideo, token);
    phone = await officerPhone(tokenVideo);
    await tap(phone, 'scan-camera');
    await phone.getByTestId('evidence').waitFor({ timeout: 20_000 });
    expect(await phone.getByTestId('evidence-nik').textContent()).toBe('0004');
    await expect
      .poll(() => phone.getByTestId('photo-chip').evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await expect
      .poll(() => phone.getByTestId('photo-live').evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await screenshot(phone, 'phone-id-console-evidence');
    await tap(phone, 'console-language');
    await screenshot(phone, 'phone-en-console-evidence');

    const approved = performance.now();
    await tap(phone, 'decide-approve');
    await phone.getByTestId('decided').waitFor({ timeout: 10_000 });
    await expect.poll(() => stepOf(page), { timeout: 10_000, interval: 50 }).toBe('done');
    console.log(`approval to the booth's done screen: ${Math.round(performance.now() - approved)} ms`);
    expect(await page.getByTestId('done-message').textContent()).toBe(catalogues.id['done.body'].replace('{email}', siti.email));
    await screenshot(page, 'landscape-id-15-done');
    await screenshot(phone, 'phone-en-console-approved');
    expect(booth.logText()).toMatch(/"event":"signoff.decided".*"via":"upstream"/);

    // The activation code reaches the citizen's mailbox, and the IKD app redeems it once.
    const mail = await smtp.mail(1);
    expect(mail.to).toMatchObject({ text: siti.email });
    const code = /: (\d{6})\n/.exec(mail.text!)![1]!;
    const nikDigest = createHash('sha256').update(`anjungan-ikd/activation-nik/v1:${testIdentities[3]!.nik}`).digest('base64url');
    const redeem = () =>
      fetch(`${upstream.url}/v1/activations/redeem`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, nikDigest }),
      }).then((response) => response.status);
    expect(await redeem()).toBe(200);
    expect(await redeem()).toBe(409);
  }, 180_000);

  it('each bad code typed into the console shows its own message', async () => {
    const registry = new BoothRegistry(upstream.db);
    const key = (seed: number) => {
      const keys = generateKeyPairSync('ed25519');
      return { ...keys, kid: boothKid(keys.publicKey), seed };
    };
    const known = key(1);
    const stolen = key(2);
    const stranger = key(3);
    await registry.register('E2E-KNOWN', known.publicKey.export({ format: 'jwk' }).x!, 'operator');
    await registry.register('E2E-STOLEN', stolen.publicKey.export({ format: 'jwk' }).x!, 'operator');
    await registry.revoke('E2E-STOLEN', 'stolen');
    const tokenBy = (signer: { privateKey: KeyObject; kid: Uint8Array }, nowMs = Date.now()) =>
      issueSignoffToken(
        {
          enrollmentId: '019ad5c2-7f10-7a3b-8c4d-5e6f70819203',
          nik: '3171234567890042',
          nikDigestKey: new Uint8Array(16),
          evidence: { chipAuthenticated: true, livenessPassed: true, matchDistance: 400, matchThreshold: 600, quality: 90 },
        },
        { signingKey: signer.privateKey, kid: signer.kid },
        { nowMs, ttlSec: 180 },
      ).text;
    const good = tokenBy(known);
    const bytes = base45Decode(good.slice(SIGNOFF_PREFIX.length));
    bytes[bytes.length - 1]! ^= 0x01;
    const flipped = SIGNOFF_PREFIX + base45Encode(bytes);
    const cases: Array<[string, string]> = [
      ['HC1:NCFOXN%TS3DH', 'WRONG_PREFIX'],
      // Cut off at a length no Base45 text has (3n + 1 characters).
      [good.slice(0, good.length - [1, 2, 3].find((n) => (good.length - SIGNOFF_PREFIX.length - n) % 3 === 1)!), 'BAD_ENCODING'],
      [flipped, 'BAD_SIGNATURE'],
      [tokenBy(stranger), 'UNKNOWN_BOOTH'],
      [tokenBy(stolen), 'REVOKED_KEY'],
      [tokenBy(known, Date.now() - 10 * 60_000), 'EXPIRED'],
      [tokenBy(known, Date.now() + 10 * 60_000), 'NOT_YET_VALID'],
      [approvedToken, 'REPLAYED'],
    ];
    // The phone still shows the decision just taken: back to scanning.
    await tap(phone, 'scan-another');
    for (const [text, reason] of cases) {
      await phone.getByTestId('scan-text').fill(text);
      await tap(phone, 'scan-check');
      const refused = phone.getByTestId('token-refused');
      await refused.waitFor({ timeout: 10_000 });
      expect(await refused.getAttribute('data-reason'), text).toBe(reason);
      expect(await refused.locator('.problem').textContent()).toBe(
        consoleCatalogues.en[`token.${reason}` as keyof (typeof consoleCatalogues)['en']],
      );
      if (reason === 'BAD_SIGNATURE') await screenshot(phone, 'phone-en-console-bad-signature');
      await tap(phone, 'scan-another');
    }
  }, 120_000);
});

describe('officer sign-off, offline booth', () => {
  it('the booth reads the officer’s approval QR with its own camera and reaches done', async () => {
    const booth = await boothWith('E2E-SIGNOFF-OFF', false);
    const vault = await booth.booth.vault;
    await new BoothRegistry(upstream.db).register(
      'E2E-SIGNOFF-OFF',
      rawEd25519PublicKey(vault.boothPublicKey!).toString('base64url'),
      'operator',
    );
    // The booth's camera file: the citizen's face first, the officer's approval later.
    const camera = join(work, 'booth-camera.y4m');
    copyFileSync(livenessVideo, camera);
    const { page, token } = await citizenAtSignoff(booth, camera);
    expect(await page.getByTestId('signoff-waiting').textContent()).toBe(catalogues.en['signoff.offline']);
    await screenshot(page, 'landscape-en-14-signoff-offline');
    // The officer types the code this time (a phone whose camera is not used).
    const phone = await officerPhone();
    await phone.getByTestId('scan-text').fill(token);
    await tap(phone, 'scan-check');
    await phone.getByTestId('evidence').waitFor({ timeout: 10_000 });
    expect(await phone.getByTestId('not-synced').isVisible()).toBe(true);
    await tap(phone, 'decide-approve');
    const approvalQr = phone.getByTestId('approval-qr');
    await approvalQr.waitFor({ timeout: 10_000 });
    const approval = (await approvalQr.getAttribute('data-approval'))!;
    await screenshot(phone, 'phone-id-console-approval-qr');
    // The phone is held up to the booth's camera: the camera now sees the approval QR.
    writeQrVideo(camera, approval, { errorCorrection: 'M', maxVersion: 20, width: 640, height: 480 });
    await tap(page, 'signoff-scan');
    await expect.poll(() => stepOf(page), { timeout: 20_000, interval: 100 }).toBe('done');
    expect(booth.logText()).toMatch(/"event":"signoff.decided".*"via":"approval-qr"/);
    await screenshot(page, 'landscape-en-15-done-offline');
  }, 180_000);
});
