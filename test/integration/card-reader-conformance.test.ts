// One CardReader conformance suite, run against every driver the booth has,
// each over the channel it really uses: the simulated reader the booth runs
// by default, a serial module over a pseudo-terminal, a HID module through
// 64-byte reports, and PC/SC through the real pcscd with vpcd. What the
// booth relies on is the same for all: status, a whole read with progress in
// order, NO_CARD without a card, a read stopped when told, presence changes,
// and a close that can be repeated.
//
// A real reader joins the run when BOOTH_REAL_CARD_READER holds its driver
// configuration as JSON (as in the booth's config file, e.g.
// {"driver":"pcsc","cardReader":"…","samReader":"…","sam":{"pcid":"…","conf":"…"}})
// and BOOTH_REAL_CARD_NIK the NIK of the e-KTP on it; a technician puts the
// card on and takes it off when the test says so. Without them that part is
// skipped and says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/card/apdu/apdu';
import { createVirtualEktp } from '../../src/core/card/emulator';
import { identityPhoto } from '../../src/core/card/emulator/identities';
import { openPtyPair } from '../../src/core/card/emulator/pty';
import { SerialModuleEmulator } from '../../src/core/card/emulator/serialModule';
import { CONTACTLESS_ATR, CONTACT_T1_ATR, insertVirtualCard, type VirtualCardConnection } from '../../src/core/card/emulator/vpcd';
import type { ReadProgress } from '../../src/core/card/ektp/readEktp';
import { createCardReader, createModuleReader, type CardPresence, type CardReader } from '../../src/core/card/reader';
import { hidLink } from '../../src/core/card/serial/hidLink';
import { openSerialLink } from '../../src/core/card/serial/link';
import { parseConfig } from '../../src/core/config';
import { cardStageSchema } from '../../src/shared/contract/schemas';
import { cardErrorCode } from '../support/cardErrors';
import { hidBridge } from '../support/hidBridge';
import { startPcscd, VPCD_READERS, waitForCard, type RunningPcscd } from '../support/pcscd';

interface Rig {
  reader: CardReader;
  nik: string;
  /** The chip photo's bytes, when the test knows them. */
  photo?: Uint8Array;
  /** Puts the card on the reader, or takes it off; resolves once the reader can tell. */
  setCard(present: boolean): Promise<void>;
  close(): Promise<void>;
}

const set = () => createVirtualEktp();
const samConfig = (secrets: { pcid: Uint8Array; conf: Uint8Array }) => ({ pcid: toHex(secrets.pcid), conf: toHex(secrets.conf) });

/** A reader module emulator with the virtual e-KTP and SAM, behind the real module driver: over a pty (serial) or 64-byte reports (HID). */
async function moduleRig(driver: 'serial' | 'hid'): Promise<Rig> {
  const virtual = set();
  const pty = driver === 'serial' ? await openPtyPair() : null;
  const bridge = driver === 'hid' ? hidBridge() : null;
  const moduleLink = pty ? await openSerialLink({ path: pty.modulePath, baudRate: 921_600 }) : bridge!.moduleLink;
  const module = new SerialModuleEmulator(moduleLink, { card: virtual.card, sam: virtual.sam });
  const reader = pty
    ? (await createCardReader({ driver: 'serial', path: pty.hostPath, baudRate: 921_600, sam: samConfig(virtual.secrets) }))!
    : createModuleReader(async () => hidLink(bridge!.device), virtual.secrets, 'hid');
  return {
    reader,
    nik: virtual.identity.nik,
    photo: identityPhoto(0),
    setCard: async (present) => module.setCard(present ? virtual.card : null),
    close: async () => {
      await reader.close();
      await moduleLink.close();
      await pty?.close();
    },
  };
}

const rigs: Array<[string, () => Promise<Rig>]> = [
  [
    'the simulated reader (the booth default)',
    async () => {
      const reader = (await createCardReader({ driver: 'emulated-serial', identity: 0, baudRate: 921_600, link: 'auto' }))!;
      const virtual = set();
      return {
        reader,
        nik: virtual.identity.nik,
        photo: identityPhoto(0),
        setCard: async (present) => reader.emulator!.place(present ? { identity: 0 } : null),
        close: () => reader.close(),
      };
    },
  ],
  ['a serial module over a pseudo-terminal', () => moduleRig('serial')],
  ['a HID module through 64-byte reports', () => moduleRig('hid')],
];

let pcscd: RunningPcscd | undefined;
const pcscSlots = new Map<'card' | 'sam', VirtualCardConnection>();
rigs.push([
  'PC/SC through the real pcscd and vpcd',
  async () => {
    pcscd ??= await startPcscd();
    const virtual = set();
    const insert = async (slot: 'card' | 'sam') => {
      pcscSlots.set(
        slot,
        await insertVirtualCard(
          VPCD_READERS[slot].port,
          slot === 'card' ? CONTACTLESS_ATR : CONTACT_T1_ATR,
          virtual[slot],
          pcscd!.viccHost,
        ),
      );
      await waitForCard(VPCD_READERS[slot].name, true);
    };
    const remove = async (slot: 'card' | 'sam') => {
      const connection = pcscSlots.get(slot);
      pcscSlots.delete(slot);
      if (!connection) return;
      await connection.remove();
      await waitForCard(VPCD_READERS[slot].name, false);
    };
    await insert('sam');
    await insert('card');
    const reader = (await createCardReader({
      driver: 'pcsc',
      cardReader: VPCD_READERS.card.name,
      samReader: VPCD_READERS.sam.name,
      sam: samConfig(virtual.secrets),
    }))!;
    return {
      reader,
      nik: virtual.identity.nik,
      photo: identityPhoto(0),
      setCard: async (present) => (present ? insert('card') : remove('card')),
      close: async () => {
        await reader.close();
        await remove('card');
        await remove('sam');
      },
    };
  },
]);

const realReader = process.env['BOOTH_REAL_CARD_READER'];
const realNik = process.env['BOOTH_REAL_CARD_NIK'];
if (realReader && realNik) {
  rigs.push([
    `the real reader in BOOTH_REAL_CARD_READER`,
    async () => {
      const config = parseConfig({ devices: { card: JSON.parse(realReader) as object } }, 'BOOTH_REAL_CARD_READER').devices.card;
      const reader = (await createCardReader(config))!;
      return {
        reader,
        nik: realNik,
        // A technician moves the card; the test waits for the reader to see it.
        setCard: async (present) => {
          console.log(present ? 'Put the e-KTP on the reader now.' : 'Take the e-KTP off the reader now.');
          const until = Date.now() + 30_000;
          while (
            (await reader
              .status()
              .then((s) => s.cardPresent)
              .catch(() => !present)) !== present
          ) {
            if (Date.now() > until) throw new Error('The card was not moved within 30 s.');
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
        },
        close: () => reader.close(),
      };
    },
  ]);
} else {
  describe('a real reader', () => {
    it.skip('runs only when BOOTH_REAL_CARD_READER (driver config as JSON) and BOOTH_REAL_CARD_NIK are set', () => undefined);
  });
}

afterAll(async () => {
  await pcscd?.stop();
});

const stageOrder = cardStageSchema.options;

describe.each(rigs)('CardReader conformance: %s', (_name, makeRig) => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await makeRig();
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('reports the reader with its SAM and the card on it', async () => {
    expect(await rig.reader.status()).toMatchObject({ cardPresent: true, samPresent: true });
  });

  it('reads the whole card, reporting its stages in order', async () => {
    const seen: Array<Parameters<ReadProgress>> = [];
    const readout = await rig.reader.read((stage, fraction) => seen.push([stage, fraction]));
    expect(readout.nik).toBe(rig.nik);
    if (rig.photo) expect(readout.photo.bytes).toEqual(rig.photo);
    const order = seen.map(([stage]) => stageOrder.indexOf(stage));
    expect(order.every((index, i) => index >= 0 && (i === 0 || index >= order[i - 1]!))).toBe(true);
    expect(seen.map(([stage]) => stage)).toEqual(expect.arrayContaining(['biodata', 'photo']));
    expect(seen.every(([, fraction]) => fraction >= 0 && fraction <= 1)).toBe(true);
  });

  it('stops a read when told, and reads again afterwards', async () => {
    const stop = new AbortController();
    const reading = rig.reader.read((stage) => {
      if (stage === 'biodata') stop.abort();
    }, stop.signal);
    expect(await cardErrorCode(reading)).toBe('CANCELLED');
    expect((await rig.reader.read()).nik).toBe(rig.nik);
  });

  it('says NO_CARD without a card, and reads once it is back', async () => {
    await rig.setCard(false);
    expect(await rig.reader.status()).toMatchObject({ cardPresent: false, samPresent: true });
    expect(await cardErrorCode(rig.reader.read())).toBe('NO_CARD');
    await rig.setCard(true);
    expect((await rig.reader.read()).nik).toBe(rig.nik);
  });

  it('watches the card leave and come back', async () => {
    const seen: CardPresence[] = [];
    const stopWatching = rig.reader.watch((presence) => seen.push(presence), 50);
    const waitFor = async (cardPresent: boolean) => {
      const until = Date.now() + 10_000;
      while (!seen.some((p) => p.reader === 'present' && p.cardPresent === cardPresent)) {
        if (Date.now() > until) throw new Error(`watch() never reported cardPresent ${cardPresent}: ${JSON.stringify(seen)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    try {
      await waitFor(true);
      await rig.setCard(false);
      await waitFor(false);
      seen.length = 0;
      await rig.setCard(true);
      await waitFor(true);
    } finally {
      stopWatching();
    }
  });

  it('closes, and closes again, without error; a read after that still answers', async () => {
    await rig.reader.close();
    await rig.reader.close();
    // Module readers reopen their port on the next use; PC/SC holds nothing between reads.
    expect((await rig.reader.read()).nik).toBe(rig.nik);
  });
});
