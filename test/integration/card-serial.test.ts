// The serial reader module over a real pseudo-terminal pair (socat): the
// driver (serialport) on one end, the module emulator on the other, with
// the wire behaving well and badly.
import { afterEach, describe, expect, it } from 'vitest';
import { createVirtualEktp, testIdentities, VirtualEktpCard } from '../../src/core/card/emulator';
import { EKTP_FILES } from '../../src/core/card/ektp/commands';
import { SerialModuleEmulator, type ModuleKnobs } from '../../src/core/card/emulator/serialModule';
import { CardError } from '../../src/core/card/errors';
import { SerialModuleClient } from '../../src/core/card/serial/client';
import { openSerialLink } from '../../src/core/card/serial/link';
import { moduleStatus, readEktpViaModule } from '../../src/core/card/serial/readViaModule';
import { openPtyPair, type PtyPair } from '../../src/core/card/emulator/pty';
import { cardErrorCode } from '../support/cardErrors';
import { chipFiles, identityPhoto, withLengthPrefix } from '../../src/core/card/emulator/identities';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rig(
  knobs: ModuleKnobs = {},
  options: Parameters<typeof createVirtualEktp>[0] = {},
  clientOptions = { responseTimeoutMs: 300, retransmissions: 3 },
) {
  const pty: PtyPair = await openPtyPair();
  cleanups.push(() => pty.close());
  const set = createVirtualEktp(options);
  const moduleLink = await openSerialLink({ path: pty.modulePath, baudRate: 115200 });
  cleanups.push(() => moduleLink.close());
  const emulator = new SerialModuleEmulator(moduleLink, { card: set.card, sam: set.sam }, knobs);
  const hostLink = await openSerialLink({ path: pty.hostPath, baudRate: 115200 });
  const client = new SerialModuleClient(hostLink, clientOptions);
  cleanups.push(() => client.close());
  return { set, emulator, client };
}

describe('serial card module over a pseudo-terminal', () => {
  it('reports its status and reads a whole card at 115200 baud', async () => {
    const { set, client } = await rig({ baudRate: 115200 });
    expect(await moduleStatus(client)).toEqual({ firmware: 'ANJUNGAN-EMU/1.0', cardPresent: true, samPresent: true, samUnlocked: false });
    const started = performance.now();
    const readout = await readEktpViaModule(client, set.secrets);
    const elapsed = performance.now() - started;
    expect(readout.nik).toBe(set.identity.nik);
    expect(readout.photo.bytes).toEqual(identityPhoto(0));
    expect(readout.signatureImage?.bytes.length).toBe(2_000);
    // The wire time was really spent: at least the bytes moved at 10 bits each.
    const wireMs = ((client.stats.bytesRead + client.stats.bytesWritten) * 10 * 1000) / 115200;
    expect(elapsed).toBeGreaterThanOrEqual(wireMs * 0.95);
    expect(client.stats.retransmissions).toBe(0);
  });

  it('recovers from corrupted and dropped bytes by NAK and retransmission', async () => {
    const { set, client } = await rig(
      { corruptRate: 0.0003, dropRate: 0.0001, seed: 7 },
      {},
      { responseTimeoutMs: 150, retransmissions: 5 },
    );
    const readout = await readEktpViaModule(client, set.secrets);
    expect(readout.nik).toBe(set.identity.nik);
    expect(client.stats.retransmissions).toBeGreaterThan(0);
  });

  it('fails with NO_READER when the module is unplugged mid-frame, without hanging', async () => {
    const { set, client } = await rig({ unplugAfterAnswers: 4 });
    const started = performance.now();
    expect(await cardErrorCode(readEktpViaModule(client, set.secrets))).toMatch(/NO_READER|TIMEOUT/);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('ends the link, never the process, when the port fails under it (EIO: the adapter pulled out)', async () => {
    const pty = await openPtyPair();
    cleanups.push(() => pty.close());
    const link = await openSerialLink({ path: pty.hostPath, baudRate: 115200 });
    cleanups.push(() => link.close());
    const closed = new Promise<Error | undefined>((resolve) => link.onClose(resolve));
    const client = new SerialModuleClient(link, { responseTimeoutMs: 200, retransmissions: 1 });
    // socat gone: both pseudo-terminals lose their other end, and the next read or write fails with EIO.
    await pty.close();
    const outcome = await Promise.race([
      closed.then((error) => ({ closed: error?.message ?? 'closed without error' })),
      (async () => {
        for (let i = 0; i < 20; i++) await link.write(Uint8Array.of(0x02, 0x00)).catch(() => undefined);
        return { closed: await closed.then((error) => error?.message ?? 'closed without error') };
      })(),
    ]);
    // Heard, with the reason the OS gave (EIO, EBADF or "Input/output error", by whichever side noticed first).
    expect(outcome.closed).toMatch(/\w/);
    await expect(link.write(Uint8Array.of(0x02))).rejects.toThrow(/closed/);
    expect(await cardErrorCode(moduleStatus(client))).toBe('NO_READER');
  });

  it('gives up with TIMEOUT after bounded retransmissions when the module is silent', async () => {
    const pty = await openPtyPair();
    cleanups.push(() => pty.close());
    const client = new SerialModuleClient(await openSerialLink({ path: pty.hostPath, baudRate: 115200 }), {
      responseTimeoutMs: 100,
      retransmissions: 2,
    });
    cleanups.push(() => client.close());
    const started = performance.now();
    expect(await cardErrorCode(moduleStatus(client))).toBe('TIMEOUT');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(client.stats.retransmissions).toBe(2);
  });

  it('says NO_CARD, NOT_EKTP, SAM_LOCKED and CARD_REMOVED for what they are', async () => {
    const empty = await rig();
    empty.emulator.setCard(null);
    expect(await cardErrorCode(readEktpViaModule(empty.client, empty.set.secrets))).toBe('NO_CARD');

    const foreign = await rig({}, { isEktp: false });
    expect(await cardErrorCode(readEktpViaModule(foreign.client, foreign.set.secrets))).toBe('NOT_EKTP');

    const locked = await rig();
    const error = await readEktpViaModule(locked.client, { pcid: locked.set.secrets.pcid, conf: new Uint8Array(32) }).catch(
      (caught: CardError) => caught,
    );
    expect(error).toMatchObject({ code: 'SAM_LOCKED', detail: '2' });

    const removed = await rig({ baudRate: 115200 });
    const reading = readEktpViaModule(removed.client, removed.set.secrets, (stage, fraction) => {
      if (stage === 'photo' && fraction > 0.3) removed.emulator.setCard(null);
    });
    expect(await cardErrorCode(reading)).toBe('CARD_REMOVED');
  });

  it('refuses garbage biodata before asking for the photo, and names a card that refuses its UID as unreadable', async () => {
    const garbage = await rig();
    const files = chipFiles(testIdentities[0]!, { photo: identityPhoto(0) });
    files.set(EKTP_FILES.biodata, withLengthPrefix(Uint8Array.from('no biodata here', (c) => c.charCodeAt(0))));
    garbage.emulator.setCard(new VirtualEktpCard({ uid: Uint8Array.of(1, 2, 3, 4, 5, 6, 7), files, cardKey: garbage.set.cardKey }));
    const stages: string[] = [];
    expect(await cardErrorCode(readEktpViaModule(garbage.client, garbage.set.secrets, (stage) => stages.push(stage)))).toBe('MALFORMED');
    expect(stages).toContain('biodata');
    expect(stages).not.toContain('photo');

    const refusing = await rig();
    class UidRefusingCard extends VirtualEktpCard {
      override answer(command: Uint8Array): Uint8Array {
        return command[0] === 0xff && command[1] === 0xca ? Uint8Array.of(0x6a, 0x81) : super.answer(command);
      }
    }
    refusing.emulator.setCard(new UidRefusingCard({ uid: Uint8Array.of(1, 2, 3, 4), files, cardKey: refusing.set.cardKey }));
    expect(await cardErrorCode(readEktpViaModule(refusing.client, refusing.set.secrets))).toBe('UNREADABLE_CARD');
  });
});
