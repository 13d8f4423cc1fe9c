// "Call an officer" through the contract: a bad screen is refused, the call is
// logged without anything of the citizen, and the officer-call hook hears it
// (or fails without taking the answer away).
import { afterEach, describe, expect, it } from 'vitest';
import type { OfficerCall } from '../../src/core/help';
import { guardSessionCalls } from '../../src/host/ownership';
import { createDispatcher } from '../../src/shared/contract/dispatch';
import { inProcessBooth, type InProcessBooth } from '../support/inProcess';
import { walkTo } from '../support/walkTo';
import type { BoothConfigInput } from '../../src/core/config';

const opened: InProcessBooth[] = [];
afterEach(async () => {
  for (const booth of opened.splice(0)) await booth.booth.dispose();
});

async function boothHearing(notify: (call: OfficerCall) => Promise<boolean> | boolean, config: BoothConfigInput = {}) {
  const booth = await inProcessBooth(config, undefined, { officerCalls: { notify } });
  opened.push(booth);
  return booth;
}

describe('help.callOfficer', () => {
  it('refuses a screen the booth does not have, and extra fields, as BAD_REQUEST without calling the hook', async () => {
    const heard: OfficerCall[] = [];
    const { transport } = await boothHearing((call) => heard.push(call) > 0);
    for (const params of [{ screen: 'kitchen' }, {}, { screen: 'email', nik: '3174054208900001' }, { screen: 7 }]) {
      expect(await transport.call('help.callOfficer', params)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(heard).toEqual([]);
  });

  it('hands the hook the booth and the screen, and logs the call with nothing of the citizen', async () => {
    const heard: OfficerCall[] = [];
    // With the emulated e-KTP read and confirmed, the session holds the chip's NIK when the citizen calls.
    const booth = await boothHearing((call) => heard.push(call) > 0, {
      devices: { card: { driver: 'emulated-serial', identity: 0, baudRate: 921600 } },
    });
    expect(await walkTo(booth.client, 'email')).toMatchObject({ nik: '3174054208900001' });
    expect(await booth.client.help.callOfficer({ screen: 'email' })).toEqual({ ok: true, value: { consoleNotified: true } });
    expect(heard).toEqual([{ boothId: booth.config.booth.id, screen: 'email', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }]);
    const logged = booth.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line['event'] === 'help.officer_called');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ screen: 'email' });
    // The citizen's NIK was read from the chip before the call: it must not be in the log line.
    expect(JSON.stringify(logged[0])).not.toContain('3174054208900001');
  });

  it('answers consoleNotified false with the default hook, and when the console cannot be reached', async () => {
    const plain = await inProcessBooth();
    opened.push(plain);
    expect(await plain.client.help.callOfficer({ screen: 'attract' })).toEqual({ ok: true, value: { consoleNotified: false } });
    expect(plain.logs.join('')).toContain('help.officer_call_not_forwarded');

    const down = await boothHearing(() => Promise.reject(new Error('console unreachable')));
    expect(await down.client.help.callOfficer({ screen: 'attract' })).toEqual({ ok: true, value: { consoleNotified: false } });
    expect(down.logs.join('')).toContain('help.officer_call_failed');
  });

  it('works for a window that owns no session (the welcome screen), unlike session calls', async () => {
    const booth = await boothHearing(() => true);
    const dispatch = createDispatcher(guardSessionCalls(booth.booth.handlers, () => false));
    const call = async (method: string, params: unknown) => (await dispatch({ type: 'call', id: 1, method, params })).result;
    expect(await call('help.callOfficer', { screen: 'attract' })).toEqual({ ok: true, value: { consoleNotified: true } });
    expect(await call('session.start', {})).toMatchObject({ ok: false, error: { code: 'BUSY' } });
  });
});
