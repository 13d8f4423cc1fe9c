// Cards that misbehave, read through the real read flow: garbage biodata is
// refused before the photo is read, a card that refuses its UID is named as
// unreadable (it lies on the reader), and what was read of a dropped file is
// zeroed.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/core/card/apdu/apdu';
import type { ApduChannel } from '../../../src/core/card/apdu/channel';
import { createVirtualEktp, testIdentities, VirtualEktpCard } from '../../../src/core/card/emulator';
import { chipFiles, identityPhoto, withLengthPrefix } from '../../../src/core/card/emulator/identities';
import { EKTP_FILES } from '../../../src/core/card/ektp/commands';
import { formatBiodataRecord } from '../../../src/core/card/ektp/biodata';
import { checkBiodata, readImagesIntoReadout, readPrefixedFile } from '../../../src/core/card/ektp/prefixedFile';
import { readEktp } from '../../../src/core/card/ektp/readEktp';
import { CardError } from '../../../src/core/card/errors';

function logging(channel: ApduChannel, sent: string[]): ApduChannel {
  return { transmit: (command) => (sent.push(toHex(command)), channel.transmit(command)) };
}

describe('cards that misbehave', () => {
  it('refuses garbage biodata before the photo and signature are read', async () => {
    const set = createVirtualEktp();
    const files = chipFiles(testIdentities[0]!, { photo: identityPhoto(0), signature: identityPhoto(1) });
    files.set(EKTP_FILES.biodata, withLengthPrefix(Uint8Array.from('this is not a biodata record at all', (c) => c.charCodeAt(0))));
    const card = new VirtualEktpCard({ uid: new Uint8Array(randomBytes(7)), files, cardKey: set.cardKey });
    const sent: string[] = [];
    const error = await readEktp(logging(card, sent), set.sam, set.secrets).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CardError);
    expect((error as CardError).code).toBe('MALFORMED');
    expect(sent).toContain('00A40000026FF1'); // the biodata was selected and read...
    expect(sent).not.toContain('00A40000026FF2'); // ...the photo never was
    expect(sent).not.toContain('00A40000026FF3');
  });

  it('says UNREADABLE_CARD, not NO_CARD, for a card on the reader that refuses its UID', async () => {
    const set = createVirtualEktp();
    const refusing: ApduChannel = {
      transmit: async (command) => (toHex(command) === 'FFCA000000' ? Uint8Array.of(0x6a, 0x81) : set.card.transmit(command)),
    };
    const error = await readEktp(refusing, set.sam, set.secrets).catch((caught: CardError) => caught);
    expect(error).toMatchObject({ code: 'UNREADABLE_CARD', detail: '6A81' });
  });

  it('zeroes the chunks of a file whose read fails part-way', async () => {
    const content = withLengthPrefix(identityPhoto(0));
    const handedOut: Uint8Array[] = [];
    const readRange = async (offset: number, length: number) => {
      // The card stops short after three chunks: the rest comes back empty.
      const chunk = handedOut.length < 3 ? content.slice(offset, offset + length) : new Uint8Array(0);
      handedOut.push(chunk);
      return chunk;
    };
    await expect(readPrefixedFile(readRange, 224, 32 * 1024, 'photo')).rejects.toMatchObject({ code: 'MALFORMED' });
    expect(handedOut.slice(0, 3).every((chunk) => chunk.length === 224 && chunk.every((byte) => byte === 0))).toBe(true);
  });

  it('zeroes the photo already read when the signature read fails or the signature is not an image', async () => {
    const biodata = checkBiodata(formatBiodataRecord(testIdentities[0]!));
    const uid = Uint8Array.of(1, 2, 3, 4);
    const failing = identityPhoto(0);
    const removed = readImagesIntoReadout(
      uid,
      biodata,
      async () => failing,
      async () => {
        throw new CardError('CARD_REMOVED', 'gone');
      },
      toHex,
    );
    await expect(removed).rejects.toMatchObject({ code: 'CARD_REMOVED' });
    expect(failing.every((byte) => byte === 0)).toBe(true);

    const photo = identityPhoto(0);
    const signature = new Uint8Array(500).fill(0x41);
    await expect(
      readImagesIntoReadout(
        uid,
        biodata,
        async () => photo,
        async () => signature,
        toHex,
      ),
    ).rejects.toMatchObject({ code: 'MALFORMED' });
    expect(photo.every((byte) => byte === 0)).toBe(true);
    expect(signature.every((byte) => byte === 0)).toBe(true);
  });

  it('zeroes the chunks once copied into the file on a good read', async () => {
    const content = withLengthPrefix(identityPhoto(0));
    const handedOut: Uint8Array[] = [];
    const file = await readPrefixedFile(
      async (offset, length) => {
        const chunk = content.slice(offset, offset + length);
        handedOut.push(chunk);
        return chunk;
      },
      224,
      32 * 1024,
      'photo',
    );
    expect(file).toEqual(identityPhoto(0));
    expect(handedOut.every((chunk) => chunk.every((byte) => byte === 0))).toBe(true);
  });
});
