// The card step of the journey through the contract, with the booth's
// simulated reader: a serial module emulator on a real pseudo-terminal.
import { afterEach, describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/card/apdu/apdu';
import { createVirtualEktp } from '../../src/core/card/emulator';
import { openPtyPair } from '../../src/core/card/emulator/pty';
import { SerialModuleEmulator } from '../../src/core/card/emulator/serialModule';
import { openSerialLink } from '../../src/core/card/serial/link';
import { boothAtCardStep, type CardConfig } from '../support/cardStep';
import { inProcessBooth } from '../support/inProcess';
import { identityPhoto } from '../../src/core/card/emulator/identities';

const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
});

async function atCardStep(nik = '3174054208900001', card: CardConfig = { driver: 'emulated-serial', identity: 0, baudRate: 921600 }) {
  const booth = await boothAtCardStep(card, nik);
  opened.push(() => booth.booth.dispose());
  return booth;
}

describe('card step', () => {
  it('reads the card, shows the chip name and masked NIK, keeps the readout in the core, and moves on after confirmation', async () => {
    const { client, booth, logs } = await atCardStep();
    const progress: string[] = [];
    client.on('card.progress', ({ stage }) => progress.push(stage));
    const read = await client.card.read();
    expect(read).toMatchObject({ ok: true, value: { step: 'card', chip: { name: 'SITI RAHMAWATI', nikMasked: '31************01' } } });
    expect(new Set(progress)).toEqual(new Set(['sam', 'card', 'auth', 'biodata', 'photo', 'signature']));
    expect(booth.steps.card.part.readout?.photo.bytes).toEqual(identityPhoto(0));
    // Taking the card away after a good read loses nothing.
    booth.cardReader!.emulator!.place(null);
    expect(await client.card.read()).toMatchObject({ ok: true, value: { chip: { name: 'SITI RAHMAWATI' } } });
    expect(await client.card.confirm()).toMatchObject({ ok: true, value: { step: 'face' } });
    expect(logs.join('')).toContain('"event":"card.read"');
    expect(logs.join('')).not.toContain('3174054208900001');
  });

  it('counts NIK mismatches down and ends the card step after the last', async () => {
    const { client } = await atCardStep('3273011503850002');
    expect(await client.card.read()).toMatchObject({ ok: false, error: { code: 'CARD_FAILED', reason: 'NIK_MISMATCH' } });
    expect((await client.session.get()).ok && (await client.session.get())).toMatchObject({ value: { cardAttemptsLeft: 2 } });
    expect(await client.card.read()).toMatchObject({ ok: false, error: { reason: 'NIK_MISMATCH' } });
    expect(await client.card.read()).toMatchObject({ ok: false, error: { reason: 'NIK_MISMATCH_FINAL' } });
    expect(await client.card.read()).toMatchObject({ ok: false, error: { reason: 'NIK_MISMATCH_FINAL' } });
  });

  it('reports no card, a card removed mid-read and a card that is not an e-KTP, and reads fine afterwards', async () => {
    const { client, booth } = await atCardStep();
    const emulator = booth.cardReader!.emulator!;
    emulator.place(null);
    expect(await client.card.read()).toMatchObject({ ok: false, error: { code: 'CARD_FAILED', reason: 'NO_CARD' } });
    emulator.place('not-ektp');
    expect(await client.card.read()).toMatchObject({ ok: false, error: { reason: 'NOT_EKTP' } });
    emulator.place({ identity: 0 });
    emulator.removeDuring('photo');
    expect(await client.card.read()).toMatchObject({ ok: false, error: { reason: 'CARD_REMOVED' } });
    emulator.removeDuring(null);
    emulator.place({ identity: 0 });
    expect(await client.card.read()).toMatchObject({ ok: true, value: { chip: { name: 'SITI RAHMAWATI' } } });
    // None of the failures used up a NIK attempt.
    expect(await client.session.get()).toMatchObject({ ok: true, value: { cardAttemptsLeft: 3 } });
  });

  it('cancelling wipes the readout', async () => {
    const { client, booth } = await atCardStep();
    await client.card.read();
    const photo = booth.steps.card.part.readout!.photo.bytes;
    await client.session.wipe({ reason: 'cancel' });
    expect(booth.steps.card.part.readout).toBeNull();
    expect(photo.every((byte) => byte === 0)).toBe(true);
  });
});

describe('card presence', () => {
  it('reports the card being put on and taken off the simulated reader', async () => {
    const booth = await inProcessBooth({ devices: { card: { driver: 'emulated-serial', identity: 0, baudRate: 921600 } } });
    opened.push(() => booth.booth.dispose());
    const reader = booth.booth.cardReader!;
    const seen: unknown[] = [];
    const stop = reader.watch((presence) => seen.push(presence), 50);
    try {
      await expect.poll(() => seen.length, { timeout: 3_000 }).toBe(1);
      expect(seen[0]).toEqual({ reader: 'present', cardPresent: true, samPresent: true });
      reader.emulator!.place(null);
      await expect.poll(() => seen.at(-1), { timeout: 3_000 }).toEqual({ reader: 'present', cardPresent: false, samPresent: true });
      reader.emulator!.place({ identity: 1 });
      await expect.poll(() => seen.at(-1), { timeout: 3_000 }).toEqual({ reader: 'present', cardPresent: true, samPresent: true });
      expect(seen).toHaveLength(3); // changes only, not every poll
    } finally {
      stop();
    }
  });

  it('reports a serial reader that is not there as absent', async () => {
    const booth = await inProcessBooth({
      devices: {
        card: { driver: 'serial', path: '/nonexistent/ttyACM9', baudRate: 115200, sam: { pcid: 'ab'.repeat(32), conf: 'cd'.repeat(32) } },
      },
    });
    opened.push(() => booth.booth.dispose());
    const seen: unknown[] = [];
    const stop = booth.booth.cardReader!.watch((presence) => seen.push(presence), 50);
    try {
      await expect.poll(() => seen[0], { timeout: 3_000 }).toEqual({ reader: 'absent', reason: 'NO_READER' });
    } finally {
      stop();
    }
  });
});

describe('SAM protection', () => {
  it('stops reading after the SAM refuses PCID/CONF once, so retries cannot block it', async () => {
    const pty = await openPtyPair();
    opened.push(() => pty.close());
    const set = createVirtualEktp();
    const moduleLink = await openSerialLink({ path: pty.modulePath, baudRate: 921600 });
    opened.push(() => moduleLink.close());
    new SerialModuleEmulator(moduleLink, { card: set.card, sam: set.sam });
    const wrong = { pcid: toHex(set.secrets.pcid), conf: '00'.repeat(32) };
    const booth = await atCardStep('3174054208900001', { driver: 'serial', path: pty.hostPath, baudRate: 921600, sam: wrong });
    expect(await booth.client.card.read()).toMatchObject({ ok: false, error: { code: 'CARD_FAILED', reason: 'SAM_LOCKED' } });
    expect(set.sam.triesLeft).toBe(2);
    for (let i = 0; i < 3; i++) expect(await booth.client.card.read()).toMatchObject({ ok: false, error: { reason: 'SAM_LOCKED' } });
    expect(set.sam.triesLeft).toBe(2); // no further try was spent
    expect(booth.logs.join('')).toContain('"event":"card.sam_refused"');
  });
});
