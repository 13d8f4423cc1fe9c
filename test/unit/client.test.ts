// The renderer's side checks answers and events too: a confused or hostile
// peer cannot hand the screens a wrong shape.
import { describe, expect, it } from 'vitest';
import { createBoothClient, type ContractTransport } from '../../src/shared/contract/client';
import { methods } from '../../src/shared/contract/contract';
import { inProcessBooth } from '../support/inProcess';

describe('generated client', () => {
  it('has one function per contract method, grouped by its prefix', async () => {
    const { client } = await inProcessBooth();
    const generated = Object.entries(client)
      .filter(([, group]) => typeof group === 'object')
      .flatMap(([group, functions]) => Object.keys(functions as object).map((name) => `${group}.${name}`));
    expect(generated.sort()).toEqual([...methods].sort());
    expect(typeof client.on).toBe('function');
    const started = await client.session.start({ language: 'en' });
    expect(started).toMatchObject({ ok: true, value: { step: 'language', language: 'en' } });
    expect(await client.card.read()).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } });
  });

  it('turns an answer of the wrong shape into INTERNAL and drops malformed events', async () => {
    let emit: (event: string, payload: unknown) => void = () => undefined;
    const liar: ContractTransport = {
      call: async () => ({ ok: true, value: { step: 'nowhere' } }),
      subscribe: (listener) => {
        emit = listener;
        return () => undefined;
      },
    };
    const client = createBoothClient(liar);
    expect(await client.session.get()).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    const seen: unknown[] = [];
    client.on('session.wiped', (payload) => seen.push(payload));
    emit('session.wiped', { reason: 'because' });
    emit('session.unknown', { reason: 'idle' });
    emit('session.wiped', { reason: 'idle' });
    expect(seen).toEqual([{ reason: 'idle' }]);
  });

  it('the later steps answer STEP_UNAVAILABLE at their step, never success', async () => {
    const { client } = await inProcessBooth();
    await client.session.start();
    await client.session.chooseLanguage({ language: 'id' });
    const info = await client.booth.info();
    expect(info.ok && info.value.capabilities).toEqual({ card: false, face: false, signoff: true });
    await client.session.acceptConsent({ consentVersion: info.ok ? info.value.consentVersion : '' });
    expect(await client.session.get()).toMatchObject({ ok: true, value: { step: 'card' } });
    expect(await client.card.read()).toMatchObject({ ok: false, error: { code: 'STEP_UNAVAILABLE' } });
    // The core ends the journey there, referred to the service desk: no later step can be reached.
    expect(await client.session.get()).toMatchObject({
      ok: true,
      value: { step: 'referred', referral: { reason: 'card-reader-unavailable' } },
    });
    expect(await client.face.verify()).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } });
  });

  it('refuses a consent acceptance for a text the booth does not show', async () => {
    const { client } = await inProcessBooth();
    await client.session.start();
    await client.session.chooseLanguage({ language: 'id' });
    expect(await client.session.acceptConsent({ consentVersion: 'old-text' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});
