// The whole read flow against the virtual e-KTP and SAM, including awkward
// cards, wrong SAMs, removal mid-read and hostile answers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApduChannel } from '../../../src/core/card/apdu/channel';
import { createVirtualEktp } from '../../../src/core/card/emulator';
import { placeholderJpeg, testIdentities } from '../../../src/core/card/emulator/identities';
import { readEktp } from '../../../src/core/card/ektp/readEktp';
import { CardError } from '../../../src/core/card/errors';
import { cardErrorCode } from '../../support/cardErrors';
import { identityPhoto } from '../../../src/core/card/emulator/identities';

describe('readEktp', () => {
  it.each([
    ['a plain card', {}],
    ['a card that chains responses (61 xx)', { chainResponses: true }],
    ['a card that insists on exact lengths (6C xx)', { strictLe: true }],
    ['both', { chainResponses: true, strictLe: true }],
  ])('reads identity, photo and signature from %s', async (_name, knobs) => {
    const set = createVirtualEktp(knobs);
    const stages = new Set<string>();
    const readout = await readEktp(set.card, set.sam, set.secrets, (stage) => stages.add(stage));
    expect(readout.nik).toBe(set.identity.nik);
    expect(readout.biodata.name).toBe('SITI RAHMAWATI');
    expect(readout.chipUid).toMatch(/^[0-9A-F]{14}$/);
    expect(readout.photo.format).toBe('jpeg');
    expect(readout.photo.bytes).toEqual(identityPhoto(0));
    expect(readout.signatureImage?.bytes.length).toBe(2_000);
    expect(readout.auth).toEqual({ samAuthenticated: true, method: 'sam-mutual-authentication' });
    expect([...stages]).toEqual(['sam', 'card', 'auth', 'biodata', 'photo', 'signature']);
  });

  it('re-reads with the exact length when a card answers 6C xx, and follows 61 xx chains', async () => {
    // A photo shorter than one READ BINARY: the first read asks for 224 bytes and gets 6C xx.
    const set = createVirtualEktp({ strictLe: true, chainResponses: true, content: { photo: placeholderJpeg(100, 'short') } });
    const statuses: number[] = [];
    const watching: ApduChannel = {
      transmit: async (command) => {
        const response = await set.card.transmit(command);
        statuses.push((response[response.length - 2]! << 8) | response[response.length - 1]!);
        return response;
      },
    };
    const readout = await readEktp(watching, set.sam, set.secrets);
    expect(readout.photo.bytes).toEqual(placeholderJpeg(100, 'short'));
    expect(statuses.some((sw) => sw >> 8 === 0x6c)).toBe(true);
    expect(statuses.some((sw) => sw >> 8 === 0x61)).toBe(true);
  });

  it('reads every test identity, and a card without a signature image', async () => {
    for (const identity of testIdentities) {
      const set = createVirtualEktp({ identity, content: { photo: placeholderJpeg(9_000, identity.nik) } });
      const readout = await readEktp(set.card, set.sam, set.secrets);
      expect(readout.nik).toBe(identity.nik);
      expect(readout.signatureImage).toBeUndefined();
    }
  });

  it('says NOT_EKTP for a contactless card without the e-KTP folder', async () => {
    const set = createVirtualEktp({ isEktp: false });
    expect(await cardErrorCode(readEktp(set.card, set.sam, set.secrets))).toBe('NOT_EKTP');
  });

  it('says AUTH_FAILED when the SAM and the card do not belong together', async () => {
    const set = createVirtualEktp({ foreignSam: true });
    expect(await cardErrorCode(readEktp(set.card, set.sam, set.secrets))).toBe('AUTH_FAILED');
  });

  it('counts down wrong PCID/CONF tries, then the SAM is blocked', async () => {
    const set = createVirtualEktp({ samTries: 2 });
    const wrong = { pcid: set.secrets.pcid, conf: new Uint8Array(32) };
    const first = readEktp(set.card, set.sam, wrong).catch((error: CardError) => error);
    expect(await first).toMatchObject({ code: 'SAM_LOCKED', detail: '63C1' });
    expect(await readEktp(set.card, set.sam, wrong).catch((error: CardError) => error)).toMatchObject({
      code: 'SAM_LOCKED',
      detail: '6983',
    });
    expect(await readEktp(set.card, set.sam, set.secrets).catch((error: CardError) => error)).toMatchObject({
      code: 'SAM_LOCKED',
      detail: '6983',
    });
    expect(await cardErrorCode(readEktp(set.card, set.sam, { pcid: new Uint8Array(31), conf: new Uint8Array(32) }))).toBe('SAM_LOCKED');
  });

  it('reports a card removed mid-read as CARD_REMOVED, and reads it again once it is back', async () => {
    const set = createVirtualEktp();
    let transmits = 0;
    let present = true;
    const flaky: ApduChannel = {
      transmit: async (command) => {
        if (++transmits === 12) present = false;
        if (!present) throw new CardError('CARD_REMOVED', 'The card left the reader.');
        return set.card.transmit(command);
      },
    };
    expect(await cardErrorCode(readEktp(flaky, set.sam, set.secrets))).toBe('CARD_REMOVED');
    present = true;
    set.card.reset();
    expect((await readEktp(flaky, set.sam, set.secrets)).nik).toBe(set.identity.nik);
  });

  it('answers every corrupted or truncated response with a CardError, never a crash (property)', async () => {
    // Count the exchanges of a clean read, then corrupt one of them at random.
    const probe = createVirtualEktp({ content: { photo: placeholderJpeg(1_500, 'p') } });
    let total = 0;
    const counting = (channel: ApduChannel): ApduChannel => ({ transmit: (command) => (total++, channel.transmit(command)) });
    await readEktp(counting(probe.card), counting(probe.sam), probe.secrets);

    const corruption = fc.record({
      target: fc.nat(total - 1),
      kind: fc.constantFrom('flip', 'truncate', 'extend', 'status', 'empty'),
      at: fc.nat(400),
      value: fc.integer({ min: 0, max: 255 }),
    });
    await fc.assert(
      fc.asyncProperty(corruption, async ({ target, kind, at, value }) => {
        const set = createVirtualEktp({ content: { photo: placeholderJpeg(1_500, 'p') } });
        let index = 0;
        const hostile = (channel: ApduChannel): ApduChannel => ({
          transmit: async (command) => {
            const response = await channel.transmit(command);
            if (index++ !== target) return response;
            const copy = Uint8Array.from(response);
            if (kind === 'flip') copy[at % copy.length] = value;
            if (kind === 'truncate') return copy.subarray(0, at % copy.length);
            if (kind === 'extend') return Uint8Array.of(...copy.subarray(0, -2), ...new Uint8Array(at).fill(value), ...copy.subarray(-2));
            if (kind === 'status') copy[copy.length - 2] = value;
            if (kind === 'empty') return new Uint8Array(0);
            return copy;
          },
        });
        try {
          const readout = await readEktp(hostile(set.card), hostile(set.sam), set.secrets);
          // A flip inside free text can still be a valid record: it must then still be well-formed.
          expect(readout.nik).toMatch(/^\d{16}$/);
        } catch (error) {
          expect(error).toBeInstanceOf(CardError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
