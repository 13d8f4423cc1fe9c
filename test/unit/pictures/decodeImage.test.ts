import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createVirtualEktp, identityPhoto, testIdentities } from '../../../src/core/card/emulator';
import { testPhotos } from '../../../src/core/card/emulator/testPhotos.generated';
import { readEktp } from '../../../src/core/card/ektp/readEktp';
import { decodeImage, isPictureError, j2kCodestream } from '../../../src/core/pictures';
import { encodeJpeg, encodeJpeg2000, syntheticPortrait } from '../../support/testImages';

const W = 120;
const H = 160;
const portrait = syntheticPortrait(W, H);

function meanAbsoluteError(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

describe('chip photo decoding', () => {
  it('decodes a JPEG photo to RGB close to the original', async () => {
    const image = await decodeImage({ format: 'jpeg', bytes: encodeJpeg(portrait, W, H) });
    expect([image.width, image.height, image.rgb.length]).toEqual([W, H, W * H * 3]);
    expect(meanAbsoluteError(image.rgb, portrait)).toBeLessThan(4);
  });

  it('decodes a lossless JPEG 2000 codestream exactly, and the same inside a JP2 file', async () => {
    const codestream = await encodeJpeg2000(portrait, W, H);
    const image = await decodeImage({ format: 'jpeg2000', bytes: codestream });
    expect([image.width, image.height]).toEqual([W, H]);
    expect(image.rgb).toEqual(portrait);
    // Wrap it in a minimal JP2 container: signature box, then the codestream box.
    const box = (type: string, body: Uint8Array) =>
      Uint8Array.of(...u32(body.length + 8), ...[...type].map((c) => c.charCodeAt(0)), ...body);
    const jp2 = Uint8Array.of(...box('jP  ', Uint8Array.of(0x0d, 0x0a, 0x87, 0x0a)), ...box('jp2c', codestream));
    expect((await decodeImage({ format: 'jpeg2000', bytes: jp2 })).rgb).toEqual(portrait);
  });

  it('reads a chip whose photo is JPEG 2000 and decodes it', async () => {
    const set = createVirtualEktp({ content: { photo: await encodeJpeg2000(portrait, W, H, false) } });
    const readout = await readEktp(set.card, set.sam, set.secrets);
    expect(readout.photo.format).toBe('jpeg2000');
    const image = await decodeImage(readout.photo);
    expect(meanAbsoluteError(image.rgb, portrait)).toBeLessThan(8);
  });

  it("decodes every test citizen's chip photo (faces from a package's sample pictures), JPEG and JPEG 2000, unchanged since generation", async () => {
    for (const [index, photo] of testPhotos.entries()) {
      const jpegBytes = identityPhoto(index, 'jpeg');
      const j2kBytes = identityPhoto(index, 'jpeg2000');
      expect(createHash('sha256').update(jpegBytes).digest('hex')).toBe(photo.jpegSha256);
      expect(createHash('sha256').update(j2kBytes).digest('hex')).toBe(photo.jpeg2000Sha256);
      expect(await decodeImage({ format: 'jpeg', bytes: jpegBytes })).toMatchObject({ width: 240, height: 320 });
      expect(await decodeImage({ format: 'jpeg2000', bytes: j2kBytes })).toMatchObject({ width: 120, height: 160 });
    }
    const set = createVirtualEktp({ identity: testIdentities[2], photoFormat: 'jpeg2000' });
    const readout = await readEktp(set.card, set.sam, set.secrets);
    expect(readout).toMatchObject({ nik: '5171066107720003', photo: { format: 'jpeg2000' } });
    expect((await decodeImage(readout.photo)).rgb.length).toBe(120 * 160 * 3);
  });

  it('refuses huge declared dimensions before decoding', async () => {
    const codestream = Uint8Array.from(await encodeJpeg2000(portrait, W, H));
    codestream.set(u32(60_000), 8); // Xsiz
    codestream.set(u32(60_000), 12); // Ysiz
    expect(await pictureErrorCode(decodeImage({ format: 'jpeg2000', bytes: codestream }))).toBe('TOO_LARGE');
    const jpegBytes = Uint8Array.from(encodeJpeg(portrait, W, H));
    const sof = jpegBytes.findIndex((byte, i) => byte === 0xff && jpegBytes[i + 1] === 0xc0);
    jpegBytes.set([0xea, 0x60, 0xea, 0x60], sof + 5); // height, width = 60000
    expect(await pictureErrorCode(decodeImage({ format: 'jpeg', bytes: jpegBytes }))).toBe('TOO_LARGE');
    expect(await pictureErrorCode(decodeImage({ format: 'jpeg', bytes: new Uint8Array(0) }))).toBe('MALFORMED');
  });

  it('answers truncated, corrupted and random images with a PictureError, never a crash (property)', async () => {
    const jpegBytes = encodeJpeg(portrait, W, H);
    const j2kBytes = await encodeJpeg2000(portrait, W, H, false);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('jpeg', 'jpeg2000') as fc.Arbitrary<'jpeg' | 'jpeg2000'>,
        fc.oneof(
          fc.nat({ max: 4000 }).map((cut) => ({ cut, flip: -1, value: 0 })),
          fc.record({ cut: fc.constant(1e9), flip: fc.nat({ max: 4000 }), value: fc.integer({ min: 0, max: 255 }) }),
        ),
        async (format, { cut, flip, value }) => {
          const source = Uint8Array.from(format === 'jpeg' ? jpegBytes : j2kBytes).subarray(0, cut);
          if (flip >= 0 && flip < source.length) source[flip] = value;
          const code = await pictureErrorCode(decodeImage({ format, bytes: source }));
          expect(['ok', 'MALFORMED', 'TOO_LARGE']).toContain(code);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('finds no codestream in a JP2 file without one, and refuses boxes that run past the end', () => {
    expect(() => j2kCodestream(Uint8Array.of(0, 0, 0, 12, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a))).toThrow(/no codestream/);
    expect(() => j2kCodestream(Uint8Array.of(0, 0, 0x10, 0, 0x6a, 0x70, 0x32, 0x63, 1, 2))).toThrow(/past the end/);
  });
});

function u32(value: number): number[] {
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

/** 'ok', or the PictureError's code; anything else is rethrown (a crash is a failure). */
async function pictureErrorCode(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'ok';
  } catch (error) {
    if (isPictureError(error)) return error.code;
    throw error;
  }
}
