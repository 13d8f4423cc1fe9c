// The simulated card reader on a machine without socat: the same module
// emulator and the same serial driver, with an in-process line between them
// instead of a pseudo-terminal pair, and a log line that says so.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasSocat } from '../../src/core/card/emulator/pty';
import { openMemoryLine } from '../../src/core/card/emulator/memoryLine';
import { createCardReader, type CardReader } from '../../src/core/card/reader';
import { inProcessBooth } from '../support/inProcess';
import { cardErrorCode } from '../support/cardErrors';
import { walkTo } from '../support/walkTo';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Runs with a PATH on which socat cannot be found, as on a fresh machine. */
function withoutSocat(): void {
  const saved = process.env.PATH;
  process.env.PATH = '/nonexistent-booth-test-dir';
  cleanup.push(() => {
    process.env.PATH = saved;
  });
}

describe('in-process line for the simulated card module', () => {
  it('finds socat only where it is', () => {
    expect(hasSocat('/nonexistent-booth-test-dir')).toBe(false);
    expect(hasSocat('')).toBe(false);
    expect(hasSocat('/usr/bin:/bin')).toBe(true);
  });

  it('carries a whole read when socat is absent, and the log says the link is in process', async () => {
    withoutSocat();
    const booth = await inProcessBooth({ devices: { card: { driver: 'emulated-serial', identity: 0, baudRate: 921600 } } });
    cleanup.push(() => booth.booth.dispose());
    const { client } = booth;
    await walkTo(client, 'card');
    expect(await client.card.read()).toMatchObject({
      ok: true,
      value: { chip: { name: 'SITI RAHMAWATI', nik: '3174054208900001' } },
    });
    const notice = booth.logs
      .map((line) => JSON.parse(line) as { event?: string; level: number; msg: string })
      .find((line) => line.event === 'card.emulator_in_process');
    expect(notice).toMatchObject({ level: 40, msg: expect.stringContaining('socat is not installed') });
  });

  it('behaves like the real module over it: no card, a card lifted mid-read, the port reopened afterwards', async () => {
    const reader = (await createCardReader({ driver: 'emulated-serial', identity: 1, baudRate: 921600, link: 'in-process' })) as CardReader;
    cleanup.push(() => reader.close());
    expect(await reader.status()).toMatchObject({ cardPresent: true, samPresent: true });
    reader.emulator!.place(null);
    expect(await cardErrorCode(reader.read())).toBe('NO_CARD');
    reader.emulator!.place({ identity: 1 });
    reader.emulator!.removeDuring('photo');
    expect(await cardErrorCode(reader.read())).toBe('CARD_REMOVED');
    reader.emulator!.removeDuring(null);
    reader.emulator!.place({ identity: 1 });
    const readout = await reader.read();
    expect(readout.biodata.name).toBe('DEWI ANGGRAINI');
  });

  it('falls back to the in-process line when socat is there but cannot make a pair, unless a pty was asked for', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'booth-broken-socat-'));
    writeFileSync(join(bin, 'socat'), '#!/bin/sh\necho "socat: no /dev/pts" >&2\nexit 1\n', { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = bin;
    cleanup.push(() => {
      process.env.PATH = saved;
      rmSync(bin, { recursive: true, force: true });
    });
    const notices: string[] = [];
    const auto = (await createCardReader(
      { driver: 'emulated-serial', identity: 0, baudRate: 921600, link: 'auto' },
      { onNotice: (event, message) => notices.push(`${event}: ${message}`) },
    )) as CardReader;
    cleanup.push(() => auto.close());
    expect((await auto.read()).biodata.name).toBe('SITI RAHMAWATI');
    expect(notices).toEqual([expect.stringMatching(/^card\.emulator_in_process: socat could not open a pseudo-terminal pair/)]);
    const pty = (await createCardReader({ driver: 'emulated-serial', identity: 0, baudRate: 921600, link: 'pty' })) as CardReader;
    cleanup.push(() => pty.close());
    expect(await cardErrorCode(pty.read())).toBe('NO_READER');
  });

  it('opens like a port: one driver at a time, reopened after close, gone for good when the module unplugs', async () => {
    const line = openMemoryLine();
    const received: number[] = [];
    line.module.onData((bytes) => received.push(...bytes));
    const host = await line.openHost();
    await expect(line.openHost()).rejects.toThrow(/EBUSY/);
    const sent = Uint8Array.of(0x02, 0x01, 0x03);
    await host.write(sent);
    sent.fill(0); // the line carries a copy, as a wire would
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toEqual([0x02, 0x01, 0x03]);
    await host.close();
    const again = await line.openHost();
    const closed = new Promise<Error | undefined>((resolve) => again.onClose(resolve));
    await line.module.close();
    expect((await closed)?.message).toMatch(/went away/);
    await expect(again.write(Uint8Array.of(1))).rejects.toThrow(/closed/);
    await expect(line.openHost()).rejects.toThrow(/not connected/);
  });
});
