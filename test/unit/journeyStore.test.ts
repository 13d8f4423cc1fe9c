// The renderer's store against the real core (in process): a wipe, from the
// screen or from the core, leaves nothing of the citizen on either side, in
// any of the store's slices; a referral from the core leaves only its reason.
import { describe, expect, it } from 'vitest';
import { createJourneyStore } from '../../src/renderer/state/journeyStore';
import { inProcessBooth } from '../support/inProcess';

async function storeAtPhone() {
  const booth = await inProcessBooth();
  const store = createJourneyStore(booth.client);
  const s = () => store.getState();
  await s().loadInfo();
  await s().start();
  await s().chooseLanguage('en');
  await s().acceptConsent();
  // This booth has no reader: the core's card step is told of a read, as its own read would (cardStep.ts).
  booth.booth.session.advance({ type: 'cardRead', chip: { name: 'SITI RAHMAWATI', nik: '3174054208900001' } });
  expect(s().session?.chip?.nik).toBe('3174054208900001');
  await s().confirmCard();
  s().type('email', 'siti@contoh.co.id');
  s().reviewEmail();
  await s().submitEmail();
  s().type('phone', '0812345');
  return { booth, store, s };
}

describe('journey store', () => {
  it('follows the core step by step and keeps what is typed', async () => {
    const { s, booth } = await storeAtPhone();
    expect(s().session?.step).toBe('phone');
    expect(s().drafts).toEqual({ email: 'siti@contoh.co.id', phone: '0812345' });
    expect(s().session?.nik).toBe('3174054208900001');
    await s().submitPhone();
    expect(s().problem).toEqual({ field: 'phone', code: 'INVALID_PHONE', reason: 'too_short' });
    expect(booth.booth.session.snapshot()?.step).toBe('phone');
  });

  it('a wipe from the screen clears the store and the core', async () => {
    const { s, booth } = await storeAtPhone();
    await s().wipe('idle');
    expect(s().session).toBeNull();
    expect(s().drafts).toEqual({ email: '', phone: '' });
    expect(s().problem).toBeNull();
    expect(booth.booth.session.snapshot()).toBeNull();
  });

  it('never brings a cancelled citizen back: a late answer from a call in flight at the cancel is dropped', async () => {
    const { s, booth } = await storeAtPhone();
    // A call the screen made just before the citizen cancelled (the face step's calls, a keep-alive) answers after it.
    const late = booth.booth.session.snapshot()!;
    await s().wipe('cancel');
    expect(s().session).toBeNull();
    s().applySnapshot(late);
    expect(s().session).toBeNull();
    expect(s().drafts).toEqual({ email: '', phone: '' });
    // The next citizen's session is a new one, and shows.
    await s().start('id');
    expect(s().session).toMatchObject({ step: 'consent', language: 'id' });
    expect(s().session?.sessionId).not.toBe(late.sessionId);
  });

  it("a reconnect's late 'no session' does not end the session the citizen started meanwhile", async () => {
    const booth = await inProcessBooth();
    let answer: () => void = () => undefined;
    // The host holds a new page's first calls until the last owner's grace ends; this get answers after the start.
    const held = new Promise<void>((resolve) => (answer = resolve));
    const client = {
      ...booth.client,
      session: {
        ...booth.client.session,
        get: async () => {
          const result = await booth.client.session.get();
          await held;
          return result;
        },
      },
    };
    const store = createJourneyStore(client);
    const s = () => store.getState();
    await s().loadInfo();
    const resynced = s().resync();
    await s().start('en');
    expect(s().session?.step).toBe('consent');
    answer();
    await resynced;
    expect(s().session?.step).toBe('consent');
    // And the session goes on: a wipe is not remembered for it.
    await s().acceptConsent();
    expect(s().session?.step).toBe('card');
  });

  it('a wipe by the core (its own expiry) clears the store through the event', async () => {
    const { s, booth } = await storeAtPhone();
    booth.booth.session.wipe('expired');
    expect(s().session).toBeNull();
    expect(s().drafts.email).toBe('');
  });

  it('says the data is erased after a cancel or a finish, not after the idle wipe; the next start clears it', async () => {
    const { s } = await storeAtPhone();
    expect(s().erasedNotice).toBe(false);
    await s().wipe('idle');
    expect(s().erasedNotice).toBe(false);
    await s().start();
    await s().wipe('cancel');
    expect(s().session).toBeNull();
    expect(s().erasedNotice).toBe(true);
    await s().start();
    expect(s().erasedNotice).toBe(false);
    expect(s().session?.step).toBe('language');
    await s().wipe('finished');
    expect(s().erasedNotice).toBe(true);
  });

  it("a wipe resets every slice's citizen data, and keeps the booth's", async () => {
    const { s, store } = await storeAtPhone();
    const fresh = createJourneyStore((await inProcessBooth()).client).getState();
    store.setState({
      cardProgress: { stage: 'photo', fraction: 0.5 },
      cardPresence: { reader: 'present', cardPresent: true },
      chipPhoto: 'unreadable',
      faceInView: true,
      limitedField: 'phone',
      emailConfirming: true,
    });
    // The visit's own settings (large text, help, the officer's sign) go with it too: the next citizen starts with the default screen.
    store.setState({ largeText: true, helpOpen: true, officerCalled: true });
    await s().wipe('cancel');
    // Every value any slice holds, found from the store itself: a slice added later is checked too.
    const boothValues = ['connection', 'inService', 'admission', 'erasedNotice', 'info', 'busy', 'faceCalls'];
    const citizenValues = Object.keys(fresh).filter(
      (key) => typeof fresh[key as keyof typeof fresh] !== 'function' && !boothValues.includes(key),
    );
    expect(citizenValues.sort()).toEqual([
      'cardPresence',
      'cardProgress',
      'chipPhoto',
      'drafts',
      'emailConfirming',
      'faceInView',
      'helpOpen',
      'largeText',
      'limitedField',
      'officerCalled',
      'problem',
      'session',
    ]);
    for (const key of citizenValues) expect(s()[key as keyof typeof fresh], key).toEqual(fresh[key as keyof typeof fresh]);
    expect(s().info).not.toBeNull();
    expect(s().connection).toBe('connecting');
  });

  it('keeps large text chosen on the welcome screen into the session, and through a referral, until the wipe', async () => {
    const booth = await inProcessBooth();
    const store = createJourneyStore(booth.client);
    const s = () => store.getState();
    await s().loadInfo();
    s().toggleLargeText();
    await s().start();
    expect(s().largeText).toBe(true);
    await s().chooseLanguage('id');
    await s().declineConsent();
    expect(s().session?.step).toBe('referred');
    expect(s().largeText).toBe(true);
    await s().finishReferral();
    expect(s().largeText).toBe(false);
  });

  it('declining the consent shows the referral the core decided; finishing wipes it as declined', async () => {
    const booth = await inProcessBooth();
    const wipes: string[] = [];
    booth.booth.events.subscribe((event, payload) => event === 'session.wiped' && wipes.push((payload as { reason: string }).reason));
    const store = createJourneyStore(booth.client);
    const s = () => store.getState();
    await s().loadInfo();
    await s().start();
    await s().chooseLanguage('id');
    await s().declineConsent();
    expect(s().session).toMatchObject({ step: 'referred', referral: { reason: 'consent-declined' } });
    await s().finishReferral();
    expect(s().session).toBeNull();
    expect(booth.booth.session.snapshot()).toBeNull();
    expect(wipes).toEqual(['declined']);
  });

  it('a referral from the core drops the drafts the screen held', async () => {
    const { s, booth } = await storeAtPhone();
    s().clear('phone');
    s().type('phone', '081234567890');
    await s().submitPhone();
    await s().confirmReview();
    expect(s().session?.step).toBe('face');
    expect(s().drafts.phone).toBe('081234567890');
    // The core's face step decides this booth cannot run it (as face.reportProblem would): the screen hears the referral.
    booth.booth.session.refer('face-unavailable', 'NO_CAMERA');
    expect(s().session).toMatchObject({ step: 'referred', referral: { reason: 'face-unavailable', code: 'NO_CAMERA' } });
    expect(s().session?.nik).toBeUndefined();
    expect(s().drafts).toEqual({ email: '', phone: '' });
    expect(booth.booth.session.snapshot()).toMatchObject({ step: 'referred', nik: undefined, email: undefined, phone: undefined });
    await s().finishReferral();
    expect(booth.booth.session.snapshot()).toBeNull();
  });

  it('a second tap while a call is in flight is not sent', async () => {
    const { s } = await storeAtPhone();
    s().clear('phone');
    s().type('phone', '081234567890');
    await Promise.all([s().submitPhone(), s().submitPhone(), s().back()]);
    expect(s().session?.step).toBe('review');
  });
});
