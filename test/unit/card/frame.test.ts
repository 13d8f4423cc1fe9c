import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16 } from '../../../src/core/card/serial/crc16';
import { encodeFrame, FrameDecoder, MAX_PAYLOAD, type Frame, type FrameFault } from '../../../src/core/card/serial/frame';
import { toHex } from '../../../src/core/card/apdu/apdu';

function collect() {
  const frames: Frame[] = [];
  const faults: FrameFault[] = [];
  const decoder = new FrameDecoder({ frame: (f) => frames.push(f), fault: (k) => faults.push(k) });
  return { decoder, frames, faults };
}

const frame = fc.record({
  seq: fc.integer({ min: 0, max: 255 }),
  cmd: fc.integer({ min: 0, max: 255 }),
  payload: fc.uint8Array({ maxLength: MAX_PAYLOAD }),
});

describe('serial frames', () => {
  it('uses CRC-16/CCITT-FALSE (check value 29B1)', () => {
    expect(crc16(Uint8Array.from('123456789', (c) => c.charCodeAt(0)))).toBe(0x29b1);
  });

  it('encodes the documented example', () => {
    // STATUS request, SEQ 7, no payload.
    expect(toHex(encodeFrame({ seq: 7, cmd: 0x02, payload: new Uint8Array(0) }))).toMatch(/^0200020702[0-9A-F]{4}03$/);
  });

  it('decodes whatever it encodes, however the bytes are split (property)', () => {
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(60), { maxLength: 20 }), (list, cuts) => {
        const bytes = Uint8Array.from(list.flatMap((f) => [...encodeFrame(f)]));
        const { decoder, frames, faults } = collect();
        let at = 0;
        for (const cut of cuts) {
          decoder.push(bytes.subarray(at, at + cut));
          at = Math.min(bytes.length, at + cut);
        }
        decoder.push(bytes.subarray(at));
        expect(faults).toEqual([]);
        expect(frames).toEqual(list);
      }),
    );
  });

  it('skips noise, drops damaged frames and finds the next good one', () => {
    const good = encodeFrame({ seq: 1, cmd: 0x85, payload: Uint8Array.of(1, 2, 3) });
    const damaged = Uint8Array.from(good);
    damaged[6] = damaged[6]! ^ 0xff;
    const { decoder, frames, faults } = collect();
    decoder.push(Uint8Array.of(0x00, 0x55, ...damaged, 0x13, ...good, ...good.subarray(0, 4)));
    expect(frames).toHaveLength(1);
    expect(faults).toContain('crc');
  });

  it('refuses a length past the cap without buffering it', () => {
    const { decoder, frames, faults } = collect();
    decoder.push(Uint8Array.of(0x02, 0xff, 0xff, 1, 4, 5));
    decoder.push(new Uint8Array(100_000).fill(0x41));
    expect(frames).toEqual([]);
    expect(faults).toEqual(['length']);
  });

  it('never throws on arbitrary bytes, and a good frame after them still decodes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), frame, (noise, last) => {
        const { decoder, frames } = collect();
        decoder.push(noise);
        decoder.reset();
        decoder.push(encodeFrame(last));
        expect(frames.at(-1)).toEqual(last);
      }),
      { numRuns: 200 },
    );
  });

  it('finds a good frame after noise without any reset, once the noise holds no frame start (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 500 }).map((noise) => noise.map((byte) => (byte === 0x02 ? 0x04 : byte))),
        frame,
        (noise, last) => {
          const { decoder, frames } = collect();
          decoder.push(noise);
          decoder.push(encodeFrame(last));
          expect(frames.at(-1)).toEqual(last);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('module client timing', () => {
  it('waits long enough for the largest frame at slow baud rates', async () => {
    const { moduleClientOptions } = await import('../../../src/core/card/serial/client');
    expect(moduleClientOptions(115200).responseTimeoutMs).toBeGreaterThan(400 + 170);
    expect(moduleClientOptions(1200).responseTimeoutMs).toBeGreaterThan(17_000);
    expect(moduleClientOptions().responseTimeoutMs).toBe(400);
  });
});
