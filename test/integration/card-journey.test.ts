// The card step of the journey through the contract, with the booth's
// simulated reader: a serial module emulator on a real pseudo-terminal.
import jpeg from 'jpeg-js';
import { afterEach, describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/card/apdu/apdu';
import { chipFiles, createVirtualEktp, VirtualEktpCard } from '../../src/core/card/emulator';
import { openPtyPair } from '../../src/core/card/emulator/pty';
import { SerialModuleEmulator } from '../../src/core/card/emulator/serialModule';
import { openSerialLink } from '../../src/core/card/serial/link';
import { boothAtCardStep, liftAndPlace, type CardConfig } from '../support/cardStep';
import { walkTo } from '../support/walkTo';
import { inProcessBooth } from '../support/inProcess';
import { REFERENCE_PATTERN } from '../../src/shared/contract/schemas';
import { identityPhoto, testIdentities } from '../../src/core/card/emulator/identities';

const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
});

async function atCardStep(card: CardConfig = { driver: 'emulated-serial', identity: 0, baudRate: 921600 }) {
  const booth = await boothAtCardStep(card);
  opened.push(() => booth.booth.dispose());
  return booth;
}

describe('card step', () => {
  it('reads the card, shows the chip name and NIK, keeps the readout in the core, and moves on to the email after confirmation', async () => {
    const { client, booth, logs } = await atCardStep();
    const progress: string[] = [];
    client.on('card.progress', ({ stage }) => progress.push(stage));
    expect(await client.card.photo()).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } }); // nothing read yet
    const read = await client.card.read();
    expect(read).toMatchObject({ ok: true, value: { step: 'card', chip: { name: 'SITI RAHMAWATI', nik: '3174054208900001' } } });
    // Not the journey's NIK until the citizen confirms the card is theirs.
    expect(read.ok && read.value.nik).toBeUndefined();
    expect(new Set(progress)).toEqual(new Set(['sam', 'card', 'auth', 'biodata', 'photo', 'signature']));
    expect(booth.steps.card.part.readout?.photo.bytes).toEqual(identityPhoto(0));
    // The photo for the citizen to recognise: a JPEG the core made from the chip's, of the same size.
    const photo = await client.card.photo();
    expect(photo.ok).toBe(true);
    const { dataUrl, width, height } = photo.ok ? photo.value : { dataUrl: '', width: 0, height: 0 };
    const shown = jpeg.decode(Buffer.from(dataUrl.replace(/^data:image\/jpeg;base64,/, ''), 'base64'));
    const chip = jpeg.decode(identityPhoto(0));
    expect([shown.width, shown.height, width, height]).toEqual([chip.width, chip.height, chip.width, chip.height]);
    expect(Buffer.from(dataUrl.split(',')[1]!, 'base64').equals(Buffer.from(identityPhoto(0)))).toBe(false);
    // Taking the card away after a good read loses nothing.
    booth.cardReader!.emulator!.place(null);
    expect(await client.card.read()).toMatchObject({ ok: true, value: { chip: { name: 'SITI RAHMAWATI' } } });
    expect(await client.card.confirm()).toMatchObject({ ok: true, value: { step: 'email', nik: '3174054208900001' } });
    expect(logs.join('')).toContain('"event":"card.read"');
    expect(logs.join('')).not.toContain('3174054208900001');
  });

  it('"not my card" erases the readout; after the last attempt the citizen is referred to the service desk (card-not-confirmed)', async () => {
    const { client, booth, logs } = await atCardStep();
    const emulator = booth.cardReader!.emulator!;
    const changes: unknown[] = [];
    client.on('session.changed', (snapshot) => changes.push(snapshot));
    expect(await client.card.read()).toMatchObject({ ok: true, value: { chip: { name: 'SITI RAHMAWATI' } } });
    const photo = booth.steps.card.part.readout!.photo.bytes;
    expect(await client.card.reject()).toMatchObject({ ok: true, value: { step: 'card', chip: undefined, cardAttemptsLeft: 2 } });
    expect(booth.steps.card.part.readout).toBeNull();
    expect(photo.every((byte) => byte === 0)).toBe(true);
    // Rejecting again before another card is placed is refused: nothing is shown to reject.
    expect(await client.card.reject()).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } });
    await liftAndPlace(
      booth,
      () => emulator.place(null),
      () => emulator.place({ identity: 1 }),
    );
    expect(await client.card.read()).toMatchObject({ ok: true, value: { chip: { name: 'DEWI ANGGRAINI', nik: '3273015503850002' } } });
    expect(await client.card.reject()).toMatchObject({ ok: true, value: { step: 'card', cardAttemptsLeft: 1 } });
    await liftAndPlace(
      booth,
      () => emulator.place(null),
      () => emulator.place({ identity: 2 }),
    );
    expect(await client.card.read()).toMatchObject({ ok: true, value: { chip: { name: 'NI KADEK AYU LESTARI' } } });
    // The core decided the end; the screen hears it as the session's new step, with the reason and nothing typed or read.
    const referred = { step: 'referred', referral: { reason: 'card-not-confirmed' }, cardAttemptsLeft: 0 };
    expect(await client.card.reject()).toMatchObject({ ok: true, value: referred });
    expect(changes.at(-1)).toMatchObject(referred);
    const after = await client.session.get();
    expect(after).toMatchObject({ ok: true, value: referred });
    expect(after.ok && after.value && [after.value.nik, after.value.email, after.value.phone, after.value.chip]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(booth.steps.card.part.readout).toBeNull();
    const reference = after.ok ? after.value?.referral?.reference : undefined;
    expect(reference).toMatch(REFERENCE_PATTERN);
    expect(logs.join('')).toContain(`"event":"session.referred","reason":"card-not-confirmed","reference":"${reference}"`);
    // Nothing reads, goes back or moves on from there: only finishing (the wipe) ends it.
    expect(await client.card.read()).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } });
    expect(await client.session.back()).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } });
    expect(await client.card.confirm()).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } });
    expect(await client.session.setLanguage({ language: 'en' })).toMatchObject({ ok: true, value: { ...referred, language: 'en' } });
    expect(await client.session.wipe({ reason: 'finished' })).toMatchObject({ ok: true, value: { wiped: true } });
    expect(await client.session.get()).toMatchObject({ ok: true, value: null });
  });

  it('refers a citizen whose card the SAM does not authenticate, after the last attempt (card-not-genuine)', async () => {
    const { client, booth } = await atCardStep();
    const emulator = booth.cardReader!.emulator!;
    await liftAndPlace(
      booth,
      () => emulator.place(null),
      () => emulator.place('not-genuine'),
    );
    expect(await client.card.read()).toMatchObject({ ok: false, error: { code: 'CARD_FAILED', reason: 'AUTH_FAILED' } });
    expect(await client.session.get()).toMatchObject({ ok: true, value: { step: 'card', cardAttemptsLeft: 2 } });
    // Trying again with the same card, not lifted: nothing changed, so no attempt is used.
    expect(await client.card.read()).toMatchObject({ ok: false, error: { reason: 'AUTH_FAILED' } });
    expect(await client.card.read()).toMatchObject({ ok: false, error: { reason: 'AUTH_FAILED' } });
    expect(await client.session.get()).toMatchObject({ ok: true, value: { step: 'card', cardAttemptsLeft: 2 } });
    // Placed again, it counts.
    await liftAndPlace(
      booth,
      () => emulator.place(null),
      () => emulator.place('not-genuine'),
    );
    expect(await client.card.read()).toMatchObject({ ok: false, error: { reason: 'AUTH_FAILED' } });
    expect(await client.session.get()).toMatchObject({ ok: true, value: { step: 'card', cardAttemptsLeft: 1 } });
    await liftAndPlace(
      booth,
      () => emulator.place(null),
      () => emulator.place('not-genuine'),
    );
    expect(await client.card.read()).toMatchObject({ ok: false, error: { reason: 'AUTH_FAILED' } });
    expect(await client.session.get()).toMatchObject({
      ok: true,
      value: { step: 'referred', referral: { reason: 'card-not-genuine', code: 'AUTH_FAILED' } },
    });
  });

  it('a card the SAM does not authenticate uses an attempt, and the genuine card still reads', async () => {
    const { client, booth } = await atCardStep();
    const emulator = booth.cardReader!.emulator!;
    emulator.place('not-genuine');
    expect(await client.card.read()).toMatchObject({ ok: false, error: { reason: 'AUTH_FAILED' } });
    emulator.place({ identity: 0 });
    expect(await client.card.read()).toMatchObject({
      ok: true,
      value: { step: 'card', cardAttemptsLeft: 2, chip: { name: 'SITI RAHMAWATI' } },
    });
  });

  it('refers the citizen at once on a booth with no card reader (card-reader-unavailable)', async () => {
    const { client } = await atCardStep({ driver: 'none' });
    expect(await client.card.read()).toMatchObject({ ok: false, error: { code: 'STEP_UNAVAILABLE' } });
    expect(await client.session.get()).toMatchObject({
      ok: true,
      value: { step: 'referred', referral: { reason: 'card-reader-unavailable', code: 'NO_READER' } },
    });
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
    // None of the failures used up an attempt: none says the card itself is of no use here.
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
  it('stops reading after the SAM refuses PCID/CONF once, so retries cannot block it, and refers each citizen (card-reader-unavailable)', async () => {
    const pty = await openPtyPair();
    opened.push(() => pty.close());
    const set = createVirtualEktp();
    const moduleLink = await openSerialLink({ path: pty.modulePath, baudRate: 921600 });
    opened.push(() => moduleLink.close());
    new SerialModuleEmulator(moduleLink, { card: set.card, sam: set.sam });
    const wrong = { pcid: toHex(set.secrets.pcid), conf: '00'.repeat(32) };
    const booth = await atCardStep({ driver: 'serial', path: pty.hostPath, baudRate: 921600, sam: wrong });
    expect(await booth.client.card.read()).toMatchObject({ ok: false, error: { code: 'CARD_FAILED', reason: 'SAM_LOCKED' } });
    expect(set.sam.triesLeft).toBe(2);
    const referred = { step: 'referred', referral: { reason: 'card-reader-unavailable', code: 'SAM_LOCKED' } };
    expect(await booth.client.session.get()).toMatchObject({ ok: true, value: referred });
    // The next citizens meet the latch: no read tries the SAM again, and each is referred at once.
    for (let i = 0; i < 3; i++) {
      await walkTo(booth.client, 'card');
      expect(await booth.client.card.read()).toMatchObject({ ok: false, error: { reason: 'SAM_LOCKED' } });
      expect(await booth.client.session.get()).toMatchObject({ ok: true, value: referred });
    }
    expect(set.sam.triesLeft).toBe(2); // no further try was spent
    expect(booth.logs.join('')).toContain('"event":"card.sam_refused"');
  });
});

describe('a chip that cannot be read', () => {
  it('uses an attempt on each placement, and refers the citizen after the last (card-unreadable)', async () => {
    const pty = await openPtyPair();
    opened.push(() => pty.close());
    const set = createVirtualEktp();
    const moduleLink = await openSerialLink({ path: pty.modulePath, baudRate: 921600 });
    opened.push(() => moduleLink.close());
    // A card on the reader that refuses even its UID: the driver names it UNREADABLE_CARD.
    class UidRefusingCard extends VirtualEktpCard {
      override answer(command: Uint8Array): Uint8Array {
        return command[0] === 0xff && command[1] === 0xca ? Uint8Array.of(0x6a, 0x81) : super.answer(command);
      }
    }
    const files = chipFiles(testIdentities[0]!, { photo: identityPhoto(0) });
    const unreadable = () => new UidRefusingCard({ uid: Uint8Array.of(1, 2, 3, 4), files, cardKey: set.cardKey });
    const module = new SerialModuleEmulator(moduleLink, { card: unreadable(), sam: set.sam });
    const secrets = { pcid: toHex(set.secrets.pcid), conf: toHex(set.secrets.conf) };
    const booth = await atCardStep({ driver: 'serial', path: pty.hostPath, baudRate: 921600, sam: secrets });
    const { client } = booth;
    for (const attemptsLeft of [2, 1]) {
      expect(await client.card.read()).toMatchObject({ ok: false, error: { code: 'CARD_FAILED', reason: 'UNREADABLE_CARD' } });
      expect(await client.session.get()).toMatchObject({ ok: true, value: { step: 'card', cardAttemptsLeft: attemptsLeft } });
      await liftAndPlace(
        booth.booth,
        () => module.setCard(null),
        () => module.setCard(unreadable()),
      );
    }
    expect(await client.card.read()).toMatchObject({ ok: false, error: { reason: 'UNREADABLE_CARD' } });
    expect(await client.session.get()).toMatchObject({
      ok: true,
      value: { step: 'referred', referral: { reason: 'card-unreadable', code: 'UNREADABLE_CARD' } },
    });
  });

  it('a chip whose NIK is no NIK is refused like an unreadable card (NIK_INVALID), and its readout zeroed', async () => {
    const pty = await openPtyPair();
    opened.push(() => pty.close());
    const set = createVirtualEktp();
    const moduleLink = await openSerialLink({ path: pty.modulePath, baudRate: 921600 });
    opened.push(() => moduleLink.close());
    // Province 99 does not exist: the check a typed NIK once had to pass now guards the chip's.
    const files = chipFiles({ ...testIdentities[0]!, nik: '9974054208900001' }, { photo: identityPhoto(0) });
    new SerialModuleEmulator(moduleLink, {
      card: new VirtualEktpCard({ uid: Uint8Array.of(5, 6, 7, 8), files, cardKey: set.cardKey }),
      sam: set.sam,
    });
    const secrets = { pcid: toHex(set.secrets.pcid), conf: toHex(set.secrets.conf) };
    const booth = await atCardStep({ driver: 'serial', path: pty.hostPath, baudRate: 921600, sam: secrets });
    expect(await booth.client.card.read()).toMatchObject({ ok: false, error: { code: 'CARD_FAILED', reason: 'NIK_INVALID' } });
    expect(await booth.client.session.get()).toMatchObject({ ok: true, value: { step: 'card', chip: undefined, cardAttemptsLeft: 2 } });
    expect(booth.booth.steps.card.part.readout).toBeNull();
    expect(booth.logs.join('')).not.toContain('9974054208900001');
  });
});
