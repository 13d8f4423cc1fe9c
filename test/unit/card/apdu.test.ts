import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeSw, encodeCommand, fromHex, parseCommand, parseResponse, toHex } from '../../../src/core/card/apdu/apdu';
import { exchange, type ApduChannel } from '../../../src/core/card/apdu/channel';
import { CardError, describeCardError } from '../../../src/core/card/errors';

describe('APDU encoding', () => {
  it('encodes the four short cases (ISO/IEC 7816-4 §5.1)', () => {
    expect(toHex(encodeCommand({ cla: 0, ins: 0xa4, p1: 0, p2: 0, data: fromHex('7F0A') }))).toBe('00A40000027F0A');
    expect(toHex(encodeCommand({ cla: 0, ins: 0x84, p1: 0, p2: 0, le: 8 }))).toBe('0084000008');
    expect(toHex(encodeCommand({ cla: 0xff, ins: 0xca, p1: 0, p2: 0, le: 256 }))).toBe('FFCA000000');
    expect(toHex(encodeCommand({ cla: 0, ins: 0x82, p1: 0, p2: 0, data: new Uint8Array(2), le: 40 }))).toBe('008200000200' + '0028');
    expect(toHex(encodeCommand({ cla: 0, ins: 0x20, p1: 0, p2: 0 }))).toBe('00200000');
  });

  it('refuses values that do not fit a short APDU', () => {
    expect(() => encodeCommand({ cla: 256, ins: 0, p1: 0, p2: 0 })).toThrow(RangeError);
    expect(() => encodeCommand({ cla: 0, ins: 0, p1: 0, p2: 0, data: new Uint8Array(256) })).toThrow(RangeError);
    expect(() => encodeCommand({ cla: 0, ins: 0, p1: 0, p2: 0, le: 0 })).toThrow(RangeError);
  });

  it('parses what it encodes (property)', () => {
    const byte = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(
        byte,
        byte,
        byte,
        byte,
        fc.option(fc.uint8Array({ minLength: 1, maxLength: 255 }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 256 }), { nil: undefined }),
        (cla, ins, p1, p2, data, le) => {
          const parsed = parseCommand(encodeCommand({ cla, ins, p1, p2, data, le }));
          expect(parsed).toEqual({ cla, ins, p1, p2, ...(data ? { data } : {}), ...(le !== undefined ? { le } : {}) });
        },
      ),
    );
  });

  it('never throws on arbitrary bytes when parsing commands and responses (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        parseCommand(bytes);
        try {
          const response = parseResponse(bytes);
          expect(response.data.length).toBe(bytes.length - 2);
        } catch (error) {
          expect(error).toBeInstanceOf(CardError);
          expect((error as CardError).code).toBe('MALFORMED');
        }
      }),
    );
  });

  it('describes status words for technicians', () => {
    expect(describeSw(0x63c2)).toBe('verification failed, 2 tries left');
    expect(describeSw(0x6a82)).toBe('file or application not found');
    expect(describeSw(0x6110)).toBe('16 more bytes available');
  });
});

describe('exchange', () => {
  const scripted = (answers: string[]): ApduChannel & { sent: string[] } => {
    const sent: string[] = [];
    return {
      sent,
      transmit: async (command) => {
        sent.push(toHex(command));
        const next = answers.shift();
        if (next === undefined) throw new Error('no more answers');
        return fromHex(next);
      },
    };
  };

  it('follows 61 xx with GET RESPONSE and joins the data', async () => {
    const channel = scripted(['6104', 'AABBCCDD6102', 'EEFF9000']);
    const answer = await exchange(channel, { cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 6 });
    expect(toHex(answer.data)).toBe('AABBCCDDEEFF');
    expect(answer.sw).toBe(0x9000);
    expect(channel.sent).toEqual(['00B0000006', '00C0000004', '00C0000002']);
  });

  it('resends once with the exact length after 6C xx', async () => {
    const channel = scripted(['6C03', '0102039000']);
    const answer = await exchange(channel, { cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 0xe0 });
    expect(toHex(answer.data)).toBe('010203');
    expect(channel.sent).toEqual(['00B00000E0', '00B0000003']);
  });

  it('stops a card that asks for GET RESPONSE forever, and one that keeps changing Le', async () => {
    let sent = 0;
    const endless: ApduChannel = { transmit: async () => (sent++, fromHex('AA61FF')) };
    const error = await exchange(endless, { cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 1 }).catch((caught: CardError) => caught);
    // Its own code and advice: the card keeps saying "more data", it did not declare a size.
    expect(error).toMatchObject({ code: 'ENDLESS_MORE_DATA', detail: '61FF' });
    expect(describeCardError(error as CardError)).toMatch(/kept answering "more data" \(61 xx\) without end/);
    expect(describeCardError(error as CardError)).not.toContain('larger than an e-KTP holds');
    expect(sent).toBe(65); // the command, then 64 GET RESPONSE rounds: bounded
    const fickle: ApduChannel = { transmit: async () => fromHex('6C10') };
    await expect(exchange(fickle, { cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 1 })).rejects.toMatchObject({ code: 'MALFORMED' });
  });
});
