// The real core in its own process under the real host: killing it in the
// middle of a citizen's session (a read in flight) loses that session and
// nothing else. The caller is answered OUT_OF_SERVICE at once, every page
// hears that the booth is out of service and then back, the new core starts
// with no session, and the next citizen can start from the beginning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callMethod, openContract, type Opened } from '../support/contractClient';
import { startProcessBooth, type ProcessBooth } from '../support/processBooth';

const nik = '3174054208900001';
let booth: ProcessBooth;

beforeAll(async () => {
  // A slow serial line (9600 baud: a read takes several seconds), so the core can be killed in the middle of one.
  booth = await startProcessBooth({ devices: { card: { driver: 'emulated-serial', identity: 0, baudRate: 9600, link: 'in-process' } } });
}, 60_000);
afterAll(async () => {
  await booth?.close();
});

async function walkToCardStep(page: Opened) {
  const info = (await callMethod(page, 'booth.info')) as { value: { consentVersion: string } };
  for (const [method, params] of [
    ['session.start', {}],
    ['session.chooseLanguage', { language: 'id' }],
    ['session.acceptConsent', { consentVersion: info.value.consentVersion }],
  ] as const) {
    expect(await callMethod(page, method, params), method).toMatchObject({ ok: true });
  }
}

const eventsNamed = (page: Opened, name: string) => page.events.filter((e) => e['event'] === name).map((e) => e['payload']);

describe('the core process killed mid-session', () => {
  it('is restarted, the citizen’s session is gone, and the next citizen starts afresh', async () => {
    const owner = await openContract(booth.host);
    const bystander = await openContract(booth.host);
    try {
      await walkToCardStep(owner);
      // The bystander is refused the session (another page owns it) but still hears whether the booth is in service.
      expect(await callMethod(bystander, 'session.get')).toMatchObject({ ok: false, error: { code: 'BUSY' } });
      const firstPid = booth.core.pid()!;
      expect(firstPid).not.toBe(process.pid);

      const reading = callMethod(owner, 'card.read');
      await expect.poll(() => eventsNamed(owner, 'card.progress').length, { timeout: 20_000 }).toBeGreaterThan(0);
      const killedAt = Date.now();
      process.kill(firstPid, 'SIGKILL');

      // The read in flight is answered at once, not at its deadline.
      expect(await reading).toMatchObject({ ok: false, error: { code: 'OUT_OF_SERVICE', reason: 'RESTARTING' } });
      expect(Date.now() - killedAt).toBeLessThan(5_000);
      for (const page of [owner, bystander]) {
        await expect
          .poll(() => eventsNamed(page, 'booth.status'), { timeout: 30_000 })
          .toEqual([{ inService: false }, { inService: true }]);
      }
      // Only the owner heard its session end.
      expect(eventsNamed(owner, 'session.changed').at(-1)).toBeNull();
      expect(eventsNamed(bystander, 'session.changed')).toEqual([]);

      expect(booth.core.pid()).not.toBe(firstPid);
      expect(booth.core.restarts()).toBe(1);
      expect(await callMethod(owner, 'session.get')).toEqual({ ok: true, value: null });
      expect(booth.shellLog()).toMatch(/"event":"core.exited","code":null,"signal":"SIGKILL","hadSession":true/);
      expect(booth.shellLog()).toContain('"event":"core.restarted"');
      // The NIK on the chip is in no log line of either side.
      expect(booth.shellLog() + booth.coreLog()).not.toContain(nik);

      // The next citizen goes from the start, and this time the read completes.
      await walkToCardStep(owner);
      expect(await callMethod(owner, 'card.read')).toMatchObject({ ok: true, value: { step: 'card' } });
    } finally {
      await owner.close();
      await bystander.close();
    }
  }, 120_000);
});
