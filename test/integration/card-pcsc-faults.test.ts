// Cards that misbehave behind the real pcscd (virtual cards on vpcd): a card
// on the reader that is not a readable e-KTP is named as such, never blamed
// on the reader or reported absent; a card that stops answering ends in
// TIMEOUT, for the booth and for the technician's command, and the booth
// holds the reader until the stuck exchange has really ended.
// (A card that cannot be powered at all, e.g. one that gives vpcd an empty
// ATR, is shown by pcscd as an empty slot, so NO_CARD is all it can say; a
// real reader reports it as mute, and the driver names that UNREADABLE_CARD.)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/card/apdu/apdu';
import { createVirtualEktp } from '../../src/core/card/emulator';
import {
  CONTACTLESS_ATR,
  CONTACT_T1_ATR,
  insertVirtualCard,
  type ApduResponder,
  type VirtualCardConnection,
} from '../../src/core/card/emulator/vpcd';
import { readEktp } from '../../src/core/card/ektp/readEktp';
import { CardError, describeCardError } from '../../src/core/card/errors';
import { openPcscSession } from '../../src/core/card/pcsc/pcscChannels';
import { boothAtCardStep, type CardConfig } from '../support/cardStep';
import { startPcscd, VPCD_READERS, waitForCard, type RunningPcscd } from '../support/pcscd';

const root = resolve(import.meta.dirname, '../..');
const set = createVirtualEktp();
const names = { cardReader: VPCD_READERS.card.name, samReader: VPCD_READERS.sam.name };
const pcscCard: CardConfig = { driver: 'pcsc', ...names, sam: { pcid: toHex(set.secrets.pcid), conf: toHex(set.secrets.conf) } };

let pcscd: RunningPcscd;
let sam: VirtualCardConnection;
let card: VirtualCardConnection | undefined;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  pcscd = await startPcscd();
  sam = await insertVirtualCard(VPCD_READERS.sam.port, CONTACT_T1_ATR, set.sam, pcscd.viccHost);
  await waitForCard(VPCD_READERS.sam.name, true);
}, 200_000);
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
  await lift();
});
afterAll(async () => {
  await sam?.remove();
  await pcscd?.stop();
});

/** Puts a card with this ATR and these answers on the contactless reader; waits until pcscd powered it. */
async function place(atr: Uint8Array, answer: ApduResponder['answer']): Promise<void> {
  card = await insertVirtualCard(VPCD_READERS.card.port, atr, { answer }, pcscd.viccHost);
  await waitForCard(VPCD_READERS.card.name, true);
}

async function lift(): Promise<void> {
  await card?.remove();
  card = undefined;
  await waitForCard(VPCD_READERS.card.name, false);
}

/** A whole read through the PC/SC driver, as the booth does it. */
async function readThroughPcsc(): Promise<CardError> {
  const error = await (async () => {
    const session = await openPcscSession(names);
    try {
      return await readEktp(session.card, session.sam, set.secrets);
    } finally {
      await session.close();
    }
  })().catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(CardError);
  return error as CardError;
}

const silent = () => null;
const emptyFrame = () => new Uint8Array(0);

describe('a card on the reader that is not a readable e-KTP', () => {
  it.each([
    ['an ATR that declares no protocol the reader speaks', Uint8Array.of(0x3b)],
    ['an ATR that offers only T=14', Uint8Array.of(0x3b, 0x80, 0x0e, 0x0e)],
  ])('is UNREADABLE_CARD, not NO_READER: %s', async (_name, atr) => {
    await place(atr, (command) => set.card.answer(command));
    const error = await readThroughPcsc();
    expect(error.code).toBe('UNREADABLE_CARD');
    expect(describeCardError(error)).toMatch(/protocol the reader does not/);
    expect(describeCardError(error)).not.toMatch(/cable|pcscd/);
  });

  it('is UNREADABLE_CARD when it answers more than 258 bytes', async () => {
    await place(CONTACTLESS_ATR, () => Uint8Array.of(...new Uint8Array(300).fill(0x41), 0x90, 0x00));
    const error = await readThroughPcsc();
    expect(error.code).toBe('UNREADABLE_CARD');
    expect(error.message).toMatch(/more than 258 bytes/);
  });

  it('is UNREADABLE_CARD, not NO_CARD, when it refuses the get-UID command while it lies on the reader', async () => {
    await place(CONTACTLESS_ATR, (command) => (toHex(command) === 'FFCA000000' ? Uint8Array.of(0x6a, 0x81) : set.card.answer(command)));
    const error = await readThroughPcsc();
    expect(error).toMatchObject({ code: 'UNREADABLE_CARD', detail: '6A81' });
  });
});

describe('a card that stops answering', () => {
  it("ends the booth's read in TIMEOUT; the reader stays busy until the stuck exchange ends, then reads again", async () => {
    const booth = await boothAtCardStep({ ...pcscCard, readDeadlineMs: 1_000 });
    cleanup.push(() => booth.booth.dispose());
    await place(CONTACTLESS_ATR, silent);
    const started = Date.now();
    expect(await booth.client.card.read()).toMatchObject({ ok: false, error: { code: 'CARD_FAILED', reason: 'TIMEOUT' } });
    expect(Date.now() - started).toBeLessThan(3_000);
    // pcscd is still waiting for the card's answer: a second read must not start beside it, and "Try again"
    // says the card is still being read (lift it, wait), not that the reader is broken.
    expect(await booth.client.card.read()).toMatchObject({ ok: false, error: { code: 'BUSY', reason: 'STILL_READING' } });
    await lift(); // the citizen lifts the card: the stuck exchange ends
    await expect
      .poll(async () => (await booth.client.card.read()).ok === false && (await booth.client.card.read()), { timeout: 5_000 })
      .toMatchObject({ error: { reason: 'NO_CARD' } });
    await place(CONTACTLESS_ATR, (command) => set.card.answer(command));
    set.card.reset();
    expect(await booth.client.card.read()).toMatchObject({ ok: true, value: { chip: { name: 'SITI RAHMAWATI' } } });
  });

  /** `npm run booth -- card read` in its own process, as a technician runs it. */
  function technicianRead(configFile: string): Promise<{ code: number | null; out: string; ms: number }> {
    const started = Date.now();
    const child = spawn(
      resolve(root, 'node_modules/.bin/tsx'),
      [resolve(root, 'src/cli/booth.ts'), 'card', 'read', '--config', configFile],
      { cwd: root, env: { ...process.env, BOOTH_CONFIG: '' } },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    // Bounded: a command that hangs is killed and fails the test below.
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    return new Promise((done) => {
      child.once('exit', (code) => {
        clearTimeout(guard);
        done({ code, out, ms: Date.now() - started });
      });
    });
  }

  it.each([
    ['never answers', silent],
    ['answers with an empty frame', emptyFrame],
  ])(
    'makes the technician command give up with TIMEOUT and its advice when it %s',
    async (_name, answer) => {
      const dir = mkdtempSync(join(tmpdir(), 'booth-cli-pcsc-'));
      cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
      const configFile = join(dir, 'booth.json');
      writeFileSync(configFile, JSON.stringify({ devices: { card: { ...pcscCard, readDeadlineMs: 1_500 } } }));
      await place(CONTACTLESS_ATR, answer);
      const { code, out, ms } = await technicianRead(configFile);
      expect({ code, out }).toMatchObject({ code: 1 });
      expect(out).toMatch(
        /^Card reader: TIMEOUT: The card read did not finish within 1\.5 s\. \(the card or the reader stopped answering; lift the card and try again/m,
      );
      expect(ms).toBeLessThan(15_000);
    },
    40_000,
  );
});
