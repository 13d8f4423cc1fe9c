// The headless host stopped (SIGTERM) while a PC/SC transmit is stuck on a
// silent card: the transmit holds one of libuv's worker threads, which
// pcsc-lite cannot interrupt and Node joins when the process exits, so a
// plain process.exit() would wait until the card answers or is lifted. The
// stuck call is in the core process; the host and its core must both end
// within a bounded time anyway.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/card/apdu/apdu';
import { createVirtualEktp } from '../../src/core/card/emulator';
import { CONTACTLESS_ATR, CONTACT_T1_ATR, insertVirtualCard, type VirtualCardConnection } from '../../src/core/card/emulator/vpcd';
import type { RunningHost } from '../../src/host/server';
import { boothClientOver, callMethod, openContract } from '../support/contractClient';
import { startPcscd, VPCD_READERS, waitForCard, type RunningPcscd } from '../support/pcscd';
import { walkTo } from '../support/walkTo';

const root = resolve(import.meta.dirname, '../..');
const set = createVirtualEktp();
const dir = mkdtempSync(join(tmpdir(), 'booth-host-shutdown-'));

let pcscd: RunningPcscd;
const cards: VirtualCardConnection[] = [];

beforeAll(async () => {
  pcscd = await startPcscd();
  cards.push(await insertVirtualCard(VPCD_READERS.sam.port, CONTACT_T1_ATR, set.sam, pcscd.viccHost));
  await waitForCard(VPCD_READERS.sam.name, true);
  // A card that never answers: pcscd powers it, then waits for ever on its first APDU.
  cards.push(await insertVirtualCard(VPCD_READERS.card.port, CONTACTLESS_ATR, { answer: () => null }, pcscd.viccHost));
  await waitForCard(VPCD_READERS.card.name, true);
}, 200_000);
afterAll(async () => {
  for (const card of cards) await card.remove();
  await pcscd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the host with a silent card mid-read', () => {
  it('ends within a few seconds of SIGTERM', async () => {
    const configFile = join(dir, 'booth.json');
    const card = {
      driver: 'pcsc',
      cardReader: VPCD_READERS.card.name,
      samReader: VPCD_READERS.sam.name,
      sam: { pcid: toHex(set.secrets.pcid), conf: toHex(set.secrets.conf) },
      readDeadlineMs: 1_000,
    };
    writeFileSync(configFile, JSON.stringify({ devices: { card } }));
    // node itself (tsx as a loader, not its wrapper process): the pid signalled is the host's.
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(root, 'src/host/index.ts'), '--port', '0', '--config', configFile], {
      cwd: root,
      env: { ...process.env, XDG_RUNTIME_DIR: dir, BOOTH_CONFIG: '', DISPLAY: '', WAYLAND_DISPLAY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += String(chunk)));
    child.stderr.on('data', (chunk) => (err += String(chunk)));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.once('exit', (code, signal) => done({ code, signal })),
    );
    // Bounded: a host that hangs is killed after the test has failed.
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    try {
      await expect.poll(() => /token is in (\S+) /.test(out), { timeout: 30_000 }).toBe(true);
      const port = Number(/Booth ready at http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)?.[1]);
      const urlFile = /token is in (\S+) /.exec(out)![1]!;
      const token = /#token=([0-9a-f]+)$/.exec(readFileSync(urlFile, 'utf8').trim())?.[1];
      const page = await openContract({ origin: `http://127.0.0.1:${port}`, port, token } as RunningHost);
      await walkTo(boothClientOver(page), 'card', { nik: set.identity.nik });
      // The read gives up at its deadline; the transmit stays stuck in pcscd behind it.
      expect(await callMethod(page, 'card.read')).toMatchObject({ ok: false, error: { reason: 'TIMEOUT' } });
      expect(await callMethod(page, 'card.read')).toMatchObject({ ok: false, error: { code: 'BUSY', reason: 'STILL_READING' } });
      const stoppedAt = Date.now();
      child.kill('SIGTERM');
      const { code, signal } = await exited;
      // About 2 s: the core waits that long for the stuck exchange, then the host shuts down and exits.
      expect(Date.now() - stoppedAt).toBeLessThan(6_000);
      // The stuck exchange is in the core process: it ends by the driver's SIGTERM at exit, as a stopped service does, while the
      // host (the shell) ends normally; neither by this test's guard.
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(err).toMatch(/"event":"core\.stopped","code":null,"signal":"SIGTERM"/);
      // The host's own shutdown ran to its end before that: its launch link is gone.
      expect(existsSync(urlFile)).toBe(false);
    } finally {
      clearTimeout(guard);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
