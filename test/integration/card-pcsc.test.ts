// The PC/SC driver, unchanged, against the real pcscd: the virtual e-KTP and
// SAM sit behind vsmartcard's vpcd readers and answer the bytes pcscd sends.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVirtualEktp, type VirtualEktpSet } from '../../src/core/card/emulator';
import { CONTACTLESS_ATR, CONTACT_T1_ATR, insertVirtualCard, type VirtualCardConnection } from '../../src/core/card/emulator/vpcd';
import { readEktp } from '../../src/core/card/ektp/readEktp';
import { toHex } from '../../src/core/card/apdu/apdu';
import { createCardReader } from '../../src/core/card/reader';
import { listPcscReaders, openPcscSession, pcscReaderStates } from '../../src/core/card/pcsc/pcscChannels';
import { cardErrorCode } from '../support/cardErrors';
import { pcscdIsRunning, startPcscd, VPCD_READERS, waitForCard, type RunningPcscd } from '../support/pcscd';
import { identityPhoto } from '../../src/core/card/emulator/identities';

let pcscd: RunningPcscd;
const slots = new Map<'card' | 'sam', VirtualCardConnection>();
/** What the driver said before pcscd was started (undefined when a system pcscd was already running). */
let withoutPcscd: Promise<string> | undefined;

beforeAll(async () => {
  pcscd = await startPcscd(async () => {
    if (!pcscdIsRunning()) withoutPcscd = cardErrorCode(Promise.resolve().then(() => pcscReaderStates()));
    await withoutPcscd;
  });
}, 200_000);
afterEach(async () => {
  for (const [slot, connection] of slots) {
    await connection.remove();
    await waitForCard(VPCD_READERS[slot].name, false);
  }
  slots.clear();
});
afterAll(async () => {
  await pcscd?.stop();
});

const names = { cardReader: VPCD_READERS.card.name, samReader: VPCD_READERS.sam.name };

/** Puts the virtual card and/or SAM on their readers and waits until pcscd sees them. */
async function insert(set: VirtualEktpSet, which: Array<'card' | 'sam'> = ['sam', 'card']): Promise<void> {
  for (const slot of which) {
    slots.set(
      slot,
      await insertVirtualCard(VPCD_READERS[slot].port, slot === 'card' ? CONTACTLESS_ATR : CONTACT_T1_ATR, set[slot], pcscd.viccHost),
    );
    await waitForCard(VPCD_READERS[slot].name, true);
  }
}

async function remove(slot: 'card' | 'sam'): Promise<void> {
  await slots.get(slot)?.remove();
  slots.delete(slot);
  await waitForCard(VPCD_READERS[slot].name, false);
}

describe('PC/SC driver against pcscd + vpcd', () => {
  it('says NO_READER, at once, while pcscd is not running', async (context) => {
    if (!withoutPcscd) context.skip(); // a system pcscd was already running: nothing to observe
    expect(await withoutPcscd).toBe('NO_READER');
  });

  it('finds both readers', () => {
    expect(listPcscReaders()).toEqual(expect.arrayContaining([VPCD_READERS.card.name, VPCD_READERS.sam.name]));
  });

  it('reads a whole e-KTP through the real pcscd, and again after the card comes back', async () => {
    const set = createVirtualEktp();
    await insert(set);
    for (let round = 0; round < 2; round++) {
      const session = await openPcscSession(names);
      try {
        const readout = await readEktp(session.card, session.sam, set.secrets);
        expect(readout.nik).toBe(set.identity.nik);
        expect(readout.photo.bytes).toEqual(identityPhoto(0));
      } finally {
        await session.close();
      }
      await remove('card');
      await insert(set, ['card']);
    }
  });

  it('says NO_CARD with an empty reader and SAM_MISSING with an empty SAM slot', async () => {
    const set = createVirtualEktp();
    await insert(set, ['sam']);
    expect(await cardErrorCode(openPcscSession(names))).toBe('NO_CARD');
    await remove('sam');
    await insert(set, ['card']);
    expect(await cardErrorCode(openPcscSession(names))).toBe('SAM_MISSING');
  });

  it('says CARD_REMOVED when the card leaves mid-read', async () => {
    const set = createVirtualEktp();
    await insert(set);
    const session = await openPcscSession(names);
    const card = slots.get('card')!;
    try {
      const reading = readEktp(session.card, session.sam, set.secrets, (stage) => {
        if (stage === 'biodata') void card.remove();
      });
      expect(await cardErrorCode(reading)).toBe('CARD_REMOVED');
    } finally {
      await session.close();
      slots.delete('card');
      await waitForCard(VPCD_READERS.card.name, false);
    }
  });

  it('says SAM_MISSING when the reader refuses a configured SAM-slot escape command (vpcd has no escapes)', async () => {
    const set = createVirtualEktp();
    await insert(set);
    const error = await openPcscSession({
      ...names,
      samSlotEscape: { command: Uint8Array.of(0x68, 0x92, 0x01, 0x00, 0x03, 0x01, 0x00, 0x00), controlCode: 3500 },
    }).catch((caught: Error) => caught);
    expect(error).toMatchObject({ code: 'SAM_MISSING' });
    expect((error as Error).message).toContain('samSlotEscape');
  });

  it('watches the card come and go through pcscd', async () => {
    const set = createVirtualEktp();
    await insert(set, ['sam']);
    const reader = (await createCardReader({
      driver: 'pcsc',
      cardReader: VPCD_READERS.card.name,
      samReader: VPCD_READERS.sam.name,
      sam: { pcid: toHex(set.secrets.pcid), conf: toHex(set.secrets.conf) },
    }))!;
    const seen: unknown[] = [];
    const stop = reader.watch((presence) => seen.push(presence), 50);
    try {
      await expect.poll(() => seen.at(-1), { timeout: 3_000 }).toEqual({ reader: 'present', cardPresent: false, samPresent: true });
      await insert(set, ['card']);
      await expect.poll(() => seen.at(-1), { timeout: 3_000 }).toEqual({ reader: 'present', cardPresent: true, samPresent: true });
      await remove('card');
      await expect.poll(() => seen.at(-1), { timeout: 3_000 }).toEqual({ reader: 'present', cardPresent: false, samPresent: true });
    } finally {
      stop();
    }
  });

  it('names the readers it can see when a configured reader is missing', async () => {
    const error = await openPcscSession({ cardReader: 'ACS ACR1281', samReader: VPCD_READERS.sam.name }).catch((caught: Error) => caught);
    expect(error).toMatchObject({ code: 'NO_READER' });
    expect((error as Error).message).toContain('Virtual PCD 00 00');
  });
});
