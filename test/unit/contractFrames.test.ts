// Binary call frames: pictures travel as raw bytes beside a JSON header,
// and every broken or hostile frame is refused with a reason, never thrown.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_CALL_BYTES } from '../../src/shared/contract/envelope';
import { decodeCallFrame, encodeCallFrame, MAX_BINARY_CALL_BYTES } from '../../src/shared/contract/frames';
import { jpegSize } from '../../src/core/pictures';
import { encodeJpeg } from '../support/testImages';

const call = (params: unknown) => ({ type: 'call' as const, id: 7, method: 'face.submitCapture', params });

describe('call frames', () => {
  it('keeps calls without bytes as JSON text', () => {
    const frame = encodeCallFrame(call({ a: 1 }));
    expect(typeof frame).toBe('string');
    expect(decodeCallFrame(frame)).toEqual({ ok: true, envelope: call({ a: 1 }) });
  });

  it('round-trips nested byte strings exactly, as copies', () => {
    const a = new Uint8Array([1, 2, 3]);
    const b = new Uint8Array(20_000).fill(9);
    const frame = encodeCallFrame(call({ frames: [{ jpeg: a, score: 1 }], still: { jpeg: b } }));
    expect(frame).toBeInstanceOf(Uint8Array);
    const decoded = decodeCallFrame(frame);
    expect(decoded.ok).toBe(true);
    const params = (decoded as { envelope: { params: { frames: Array<{ jpeg: Uint8Array }>; still: { jpeg: Uint8Array } } } }).envelope
      .params;
    expect(params.frames[0]!.jpeg).toEqual(a);
    expect(params.still.jpeg).toEqual(b);
    expect(params.still.jpeg.buffer).not.toBe((frame as Uint8Array).buffer);
    expect(Object.keys((decoded as { envelope: object }).envelope)).not.toContain('attachments');
  });

  it('refuses frames that are too large, malformed or whose placeholders lie', () => {
    const bytes = (header: object, ...parts: number[][]) => {
      const text = new TextEncoder().encode(JSON.stringify(header));
      const out = new Uint8Array(8 + text.length + parts.flat().length);
      out.set([0x42, 0x4b, 0x42, 0x31]);
      new DataView(out.buffer).setUint32(4, text.length);
      out.set(text, 8);
      out.set(parts.flat(), 8 + text.length);
      return out;
    };
    const cases: Array<[Uint8Array | string, boolean]> = [
      ['x'.repeat(MAX_CALL_BYTES + 1), true],
      [new Uint8Array(MAX_BINARY_CALL_BYTES + 1), true],
      [new Uint8Array([1, 2, 3, 4, 0, 0, 0, 0]), false],
      [bytes({ ...call({ x: { $bytes: 0 } }), attachments: [2] }, [1]), false], // short
      [bytes({ ...call({ x: { $bytes: 0 } }), attachments: [1] }, [1], [2]), false], // long
      [bytes({ ...call({ x: { $bytes: 1 } }), attachments: [1] }, [1]), false], // index out of range
      [bytes({ ...call({ x: { $bytes: 0 }, y: { $bytes: 0 } }), attachments: [1] }, [1]), false], // used twice
      [bytes({ ...call({ x: 1 }), attachments: [1] }, [1]), false], // never used
      [bytes({ ...call({ x: { $bytes: 0, extra: 1 } }), attachments: [1] }, [1]), false],
      [bytes({ ...call({}), attachments: [] }), false],
      [bytes({ ...call({}), attachments: 'no' }), false],
      // A header that is JSON but not an object (null once crashed the host).
      [
        (() => {
          const b = bytes({});
          const n = new TextEncoder().encode('null');
          const out = new Uint8Array(8 + n.length);
          out.set(b.subarray(0, 4));
          new DataView(out.buffer).setUint32(4, n.length);
          out.set(n, 8);
          return out;
        })(),
        false,
      ],
    ];
    for (const [frame, tooLarge] of cases) {
      const decoded = decodeCallFrame(frame);
      expect(decoded.ok).toBe(false);
      expect(decoded).toMatchObject({ tooLarge });
    }
  });

  it('takes a liveness trace larger than a text call in the header, up to its own cap, and refuses bytes nested too deep', () => {
    const trace = Array.from({ length: 900 }, (_, t) => ({
      t: t * 33,
      faces: 1,
      yawDeg: -8.23,
      openness: 0.386,
      cx: 320.5,
      cy: 240.1,
      eyePx: 90.6,
    }));
    const frame = encodeCallFrame(call({ trace, still: { jpeg: new Uint8Array(10) } }));
    expect((frame as Uint8Array).length).toBeGreaterThan(MAX_CALL_BYTES);
    expect(decodeCallFrame(frame).ok).toBe(true);
    let deep: unknown = new Uint8Array(1);
    for (let i = 0; i < 20; i++) deep = { deep };
    expect(() => encodeCallFrame(call({ deep, still: new Uint8Array(1) }))).toThrow(/nested deeper/);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (body, magic) => {
        const frame = magic ? new Uint8Array([0x42, 0x4b, 0x42, 0x31, ...body]) : body;
        const decoded = decodeCallFrame(frame);
        expect(typeof decoded.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('JPEG frame header', () => {
  it('reads the size of a real JPEG and refuses anything else', () => {
    const jpeg = encodeJpeg(new Uint8Array(40 * 30 * 3).fill(120), 40, 30, 80);
    expect(jpegSize(jpeg)).toEqual({ width: 40, height: 30 });
    expect(jpegSize(jpeg.subarray(0, 20))).toBeNull();
    expect(jpegSize(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]))).toBeNull();
    expect(jpegSize(new TextEncoder().encode('GIF89a'))).toBeNull();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => void jpegSize(new Uint8Array([0xff, 0xd8, ...tail]))),
      { numRuns: 2000 },
    );
  });
});
