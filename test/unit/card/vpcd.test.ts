import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeVpcdMessage, VpcdMessageDecoder } from '../../../src/core/card/emulator/vpcd';

describe('vpcd messages', () => {
  it('splits a stream into length-prefixed messages, however it arrives (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }),
        fc.array(fc.nat(50), { maxLength: 30 }),
        (messages, cuts) => {
          const stream = Uint8Array.from(messages.flatMap((m) => [...encodeVpcdMessage(m)]));
          const seen: Uint8Array[] = [];
          const decoder = new VpcdMessageDecoder((m) => seen.push(m));
          let at = 0;
          for (const cut of cuts) {
            decoder.push(stream.subarray(at, at + cut));
            at = Math.min(stream.length, at + cut);
          }
          decoder.push(stream.subarray(at));
          expect(seen).toEqual(messages);
        },
      ),
    );
  });

  it('never throws on hostile bytes and never yields more than it was given (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 500 }), { maxLength: 10 }), (chunks) => {
        let total = 0;
        let yielded = 0;
        const decoder = new VpcdMessageDecoder((m) => (yielded += m.length + 2));
        for (const chunk of chunks) {
          total += chunk.length;
          decoder.push(chunk);
        }
        expect(yielded).toBeLessThanOrEqual(total);
      }),
    );
  });

  it('refuses to encode past the 2-byte length', () => {
    expect(() => encodeVpcdMessage(new Uint8Array(70_000))).toThrow(RangeError);
  });
});
