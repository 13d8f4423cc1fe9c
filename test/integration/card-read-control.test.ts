// card.read through the contract with the booth's simulated reader (the
// module emulator behind the real serial driver): the readout is zeroed on
// every path it does not stay in the session, and back, cancel and the
// deadline stop the read on the reader, so two reads never overlap.
import { afterEach, describe, expect, it } from 'vitest';
import type { CardReadout } from '../../src/core/card/ektp/readEktp';
import type { CardReader } from '../../src/core/card/reader';
import { boothAtCardStep, type CardConfig } from '../support/cardStep';

const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
});

const fast: CardConfig = { driver: 'emulated-serial', identity: 0, baudRate: 921600 };
/** About 16 s for a whole read: long enough to step in at any stage. */
const slow: CardConfig = { driver: 'emulated-serial', identity: 0, baudRate: 9600 };

async function atCardStep(card: CardConfig) {
  const booth = await boothAtCardStep(card);
  opened.push(() => booth.booth.dispose());
  return booth;
}

/**
 * Watches the real reader's reads (it still does all the work): the readouts
 * it hands to the booth, and how many reads run at once.
 */
function watchReads(reader: CardReader) {
  const readouts: CardReadout[] = [];
  const state = { running: 0, mostAtOnce: 0 };
  const read = reader.read.bind(reader);
  reader.read = async (onProgress, signal) => {
    state.running += 1;
    state.mostAtOnce = Math.max(state.mostAtOnce, state.running);
    try {
      const readout = await read(onProgress, signal);
      readouts.push(readout);
      return readout;
    } finally {
      state.running -= 1;
    }
  };
  return { readouts, state };
}

const zeroed = (readout: CardReadout | undefined) =>
  readout !== undefined && readout.photo.bytes.every((byte) => byte === 0) && readout.signatureImage!.bytes.every((byte) => byte === 0);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a readout is zeroed on every path it does not stay in the session', () => {
  it('a matched readout stays in the session, whole, until the session is wiped', async () => {
    const { client, booth } = await atCardStep(fast);
    const { readouts } = watchReads(booth.cardReader!);
    expect(await client.card.read()).toMatchObject({ ok: true });
    expect(booth.steps.card.part.readout).toBe(readouts[0]);
    expect(readouts[0]!.photo.bytes.some((byte) => byte !== 0)).toBe(true);
    await client.session.wipe({ reason: 'cancel' });
    expect(zeroed(readouts[0])).toBe(true);
  });

  it('a readout the citizen says is not theirs is zeroed', async () => {
    const { client, booth } = await atCardStep(fast);
    const { readouts } = watchReads(booth.cardReader!);
    expect(await client.card.read()).toMatchObject({ ok: true });
    expect(zeroed(readouts[0])).toBe(false);
    expect(await client.card.reject()).toMatchObject({ ok: true, value: { chip: undefined } });
    expect(zeroed(readouts[0])).toBe(true);
  });

  // Back aborts the read (the booth watches every step change), so the booth answers from the abort and the
  // readout that still arrives is zeroed by readWithDeadline (test/unit/card/deadline.test.ts), never handed to the session.
  it('back pressed as the read ends: WRONG_STEP, and the readout that still arrives is zeroed', async () => {
    const { client, booth } = await atCardStep(fast);
    const { readouts } = watchReads(booth.cardReader!);
    client.on('card.progress', ({ stage, fraction }) => {
      if (stage === 'signature' && fraction === 1) booth.session.back();
    });
    expect(await client.card.read()).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } });
    await expect.poll(() => zeroed(readouts[0]), { timeout: 3_000 }).toBe(true);
    expect(booth.steps.card.part.readout).toBeNull();
  });

  it('the session wiped as the read ends: NO_SESSION, and the readout is zeroed', async () => {
    const { client, booth } = await atCardStep(fast);
    const { readouts } = watchReads(booth.cardReader!);
    client.on('card.progress', ({ stage, fraction }) => {
      if (stage === 'signature' && fraction === 1) booth.session.wipe('cancel');
    });
    expect(await client.card.read()).toMatchObject({ ok: false, error: { code: 'NO_SESSION' } });
    await expect.poll(() => zeroed(readouts[0]), { timeout: 3_000 }).toBe(true);
  });
});

describe('back, cancel and the deadline stop the read on the reader', () => {
  it('back during the photo stops the read at once, and the next read starts clean', async () => {
    const { client, booth } = await atCardStep(slow);
    const { state } = watchReads(booth.cardReader!);
    const progress: string[] = [];
    client.on('card.progress', ({ stage }) => progress.push(stage));
    const reading = client.card.read();
    await expect.poll(() => progress.includes('photo'), { timeout: 10_000 }).toBe(true);
    const backAt = Date.now();
    await client.session.back();
    expect(await reading).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } });
    expect(Date.now() - backAt).toBeLessThan(1_000); // not the ~12 s the rest of the photo would take
    await expect.poll(() => state.running, { timeout: 2_000 }).toBe(0);
    const seen = progress.length;
    await pause(700);
    expect(progress).toHaveLength(seen); // nothing read on behind the citizen's back
    // Back at the consent: agreeing again brings the citizen back to the card step.
    const info = await client.booth.info();
    expect(await client.session.acceptConsent({ consentVersion: info.ok ? info.value.consentVersion : '' })).toMatchObject({
      ok: true,
      value: { step: 'card' },
    });
    const again = client.card.read();
    await expect.poll(() => progress.length > seen, { timeout: 5_000 }).toBe(true);
    await client.session.wipe({ reason: 'cancel' });
    expect(await again).toMatchObject({ ok: false, error: { code: 'NO_SESSION' } });
    expect(state.mostAtOnce).toBe(1);
  });

  it('the deadline answers TIMEOUT and stops the read; the next read never runs beside it', async () => {
    const { client, booth } = await atCardStep({ ...slow, readDeadlineMs: 1_500 });
    const { state } = watchReads(booth.cardReader!);
    const progress: string[] = [];
    client.on('card.progress', ({ stage }) => progress.push(stage));
    const started = Date.now();
    expect(await client.card.read()).toMatchObject({ ok: false, error: { code: 'CARD_FAILED', reason: 'TIMEOUT' } });
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect.poll(() => state.running, { timeout: 2_000 }).toBe(0);
    const seen = progress.length;
    await pause(700);
    expect(progress).toHaveLength(seen);
    // A second try runs alone, and meets the same deadline.
    expect(await client.card.read()).toMatchObject({ ok: false, error: { reason: 'TIMEOUT' } });
    expect(state.mostAtOnce).toBe(1);
  });

  it('cancel (a wipe) during the read stops it at once', async () => {
    const { client, booth } = await atCardStep(slow);
    const { state } = watchReads(booth.cardReader!);
    const progress: string[] = [];
    client.on('card.progress', ({ stage }) => progress.push(stage));
    const reading = client.card.read();
    await expect.poll(() => progress.includes('biodata'), { timeout: 10_000 }).toBe(true);
    const cancelAt = Date.now();
    await client.session.wipe({ reason: 'cancel' });
    expect(await reading).toMatchObject({ ok: false, error: { code: 'NO_SESSION' } });
    expect(Date.now() - cancelAt).toBeLessThan(1_000);
    await expect.poll(() => state.running, { timeout: 2_000 }).toBe(0);
  });
});
