// Stopping a read: the signal passed down the read flow stops it between
// APDUs and ends the wait for the one in flight; the shared deadline answers
// at once but reports the read as ended only when it really has; a readout
// that arrives after its caller gave up is zeroed.
import { describe, expect, it } from 'vitest';
import type { ApduChannel } from '../../../src/core/card/apdu/channel';
import { toHex } from '../../../src/core/card/apdu/apdu';
import { readWithDeadline } from '../../../src/core/card/deadline';
import { createVirtualEktp } from '../../../src/core/card/emulator';
import { readEktp, type CardReadout } from '../../../src/core/card/ektp/readEktp';
import { CardError } from '../../../src/core/card/errors';
import { cardErrorCode } from '../../support/cardErrors';

/** A card line that answers each APDU after `delayMs` (a slow contactless card) and logs what was sent. */
function slowLine(channel: ApduChannel, delayMs: number, sent: string[]): ApduChannel {
  return {
    transmit: async (command) => {
      sent.push(toHex(command));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return channel.transmit(command);
    },
  };
}

const isPhotoSelect = (hex: string) => hex === '00A40000026FF2';

describe('aborting readEktp', () => {
  it('sends no APDU after the signal fires', async () => {
    const set = createVirtualEktp();
    const sent: string[] = [];
    const controller = new AbortController();
    let abortedAt = -1;
    let abortTime = 0;
    const reading = readEktp(
      slowLine(set.card, 300, sent),
      set.sam,
      set.secrets,
      (stage, fraction) => {
        if (stage === 'biodata' && fraction === 1 && abortedAt < 0) {
          abortedAt = sent.length;
          abortTime = Date.now();
          controller.abort();
        }
      },
      controller.signal,
    );
    expect(await cardErrorCode(reading)).toBe('CANCELLED');
    expect(Date.now() - abortTime).toBeLessThan(250); // not one more 300 ms APDU
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(sent).toHaveLength(abortedAt); // nothing sent after the abort
    expect(sent.some(isPhotoSelect)).toBe(false);
  });

  it("ends with the signal's own CardError (TIMEOUT at a deadline)", async () => {
    const set = createVirtualEktp();
    const signal = AbortSignal.abort(new CardError('TIMEOUT', 'deadline'));
    expect(await cardErrorCode(readEktp(set.card, set.sam, set.secrets, undefined, signal))).toBe('TIMEOUT');
  });
});

describe('readWithDeadline', () => {
  it('answers TIMEOUT at the deadline, aborts the read on the reader, and ends when the read has ended', async () => {
    const set = createVirtualEktp();
    const sent: string[] = [];
    let transportDone = false;
    const run = readWithDeadline(
      async (signal) => {
        try {
          return await readEktp(slowLine(set.card, 60, sent), set.sam, set.secrets, undefined, signal);
        } finally {
          // A transport that cannot be interrupted: it still needs 200 ms to let go.
          await new Promise((resolve) => setTimeout(resolve, 200));
          transportDone = true;
        }
      },
      { deadlineMs: 300 },
    );
    const started = Date.now();
    expect(await cardErrorCode(run.outcome)).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(400);
    expect(run.hasEnded).toBe(false);
    const sentAtDeadline = sent.length;
    await run.ended;
    expect(transportDone).toBe(true);
    expect(run.hasEnded).toBe(true);
    expect(sent.length).toBeLessThanOrEqual(sentAtDeadline + 1);
    expect(sent.some(isPhotoSelect)).toBe(false); // stopped long before the photo
  });

  it('zeroes a readout that arrives after the deadline (a read that ignores its signal)', async () => {
    const set = createVirtualEktp();
    let late: CardReadout | undefined;
    const run = readWithDeadline(
      async () => {
        late = await readEktp(slowLine(set.card, 20, []), set.sam, set.secrets);
        return late;
      },
      { deadlineMs: 50 },
    );
    expect(await cardErrorCode(run.outcome)).toBe('TIMEOUT');
    await run.ended;
    expect(late!.photo.bytes.length).toBeGreaterThan(10_000);
    expect(late!.photo.bytes.every((byte) => byte === 0)).toBe(true);
    expect(late!.signatureImage!.bytes.every((byte) => byte === 0)).toBe(true);
  });

  it("passes the caller's signal down as CANCELLED, and hands over a readout that is in time untouched", async () => {
    const set = createVirtualEktp();
    const outside = new AbortController();
    const sent: string[] = [];
    const cancelled = readWithDeadline((signal) => readEktp(slowLine(set.card, 30, sent), set.sam, set.secrets, undefined, signal), {
      deadlineMs: 10_000,
      signal: outside.signal,
    });
    setTimeout(() => outside.abort(), 100);
    expect(await cardErrorCode(cancelled.outcome)).toBe('CANCELLED');
    await cancelled.ended;
    const count = sent.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sent).toHaveLength(count);

    set.card.reset();
    const good = readWithDeadline((signal) => readEktp(set.card, set.sam, set.secrets, undefined, signal), { deadlineMs: 10_000 });
    const readout = await good.outcome;
    expect(good.hasEnded).toBe(true);
    expect(readout.photo.bytes.some((byte) => byte !== 0)).toBe(true);
  });
});
