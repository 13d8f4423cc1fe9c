// readWithDeadline on its own: the deadline and the caller's signal answer at
// once, and a readout that still arrives after the caller gave up (a
// transport that cannot be interrupted, such as a PC/SC transmit on a silent
// card) has its photo and signature zeroed. This is the path that zeroes the
// readout when back is pressed during a read (the booth answers WRONG_STEP).
// The read itself is a whole read of the virtual e-KTP.
import { describe, expect, it } from 'vitest';
import type { ApduChannel } from '../../../src/core/card/apdu/channel';
import { createVirtualEktp } from '../../../src/core/card/emulator';
import { readEktp, type CardReadout } from '../../../src/core/card/ektp/readEktp';
import { CardError } from '../../../src/core/card/errors';
import { readWithDeadline } from '../../../src/core/card/deadline';

const set = createVirtualEktp();
const channel = (answer: (command: Uint8Array) => Uint8Array | null): ApduChannel => ({ transmit: async (command) => answer(command)! });

/** A read that ignores the signal and finishes only when `finish` is called: the stuck transport. */
function stuckRead() {
  const readouts: CardReadout[] = [];
  let finish!: () => void;
  const released = new Promise<void>((resolve) => (finish = resolve));
  const read = async () => {
    await released;
    set.card.reset();
    const readout = await readEktp(
      channel((command) => set.card.answer(command)),
      channel((command) => set.sam.answer(command)),
      set.secrets,
    );
    readouts.push(readout);
    return readout;
  };
  return { read, readouts, finish };
}

const zeroed = (readout: CardReadout | undefined) =>
  readout !== undefined && readout.photo.bytes.every((byte) => byte === 0) && readout.signatureImage!.bytes.every((byte) => byte === 0);

describe('readWithDeadline', () => {
  it('answers a read that ends in time with its readout, whole', async () => {
    const stuck = stuckRead();
    stuck.finish();
    const run = readWithDeadline(stuck.read, { deadlineMs: 5_000 });
    const readout = await run.outcome;
    expect(readout.photo.bytes.some((byte) => byte !== 0)).toBe(true);
    expect(run.hasEnded).toBe(true);
  });

  it('answers TIMEOUT at the deadline, holds until the read really ends, and zeroes the late readout', async () => {
    const stuck = stuckRead();
    const run = readWithDeadline(stuck.read, { deadlineMs: 50 });
    await expect(run.outcome).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(run.hasEnded).toBe(false);
    stuck.finish();
    await run.ended;
    expect(run.hasEnded).toBe(true);
    expect(zeroed(stuck.readouts[0])).toBe(true);
  });

  it.each([
    ['CANCELLED for a plain abort', undefined, 'CANCELLED'],
    ["the signal's own CardError", new CardError('CARD_REMOVED', 'gone'), 'CARD_REMOVED'],
  ])("answers %s when the caller's signal fires (back pressed), and zeroes the late readout", async (_name, reason, code) => {
    const stuck = stuckRead();
    const stop = new AbortController();
    const run = readWithDeadline(stuck.read, { deadlineMs: 5_000, signal: stop.signal });
    stop.abort(reason);
    await expect(run.outcome).rejects.toMatchObject({ code });
    stuck.finish();
    await run.ended;
    expect(zeroed(stuck.readouts[0])).toBe(true);
  });

  it("answers at once when the caller's signal fired before the read began", async () => {
    const stuck = stuckRead();
    const stop = new AbortController();
    stop.abort();
    const run = readWithDeadline(stuck.read, { deadlineMs: 5_000, signal: stop.signal });
    await expect(run.outcome).rejects.toMatchObject({ code: 'CANCELLED' });
    stuck.finish();
    await run.ended;
    expect(zeroed(stuck.readouts[0])).toBe(true);
  });
});
