// What `npm install && npm start` gives on a fresh machine (no socat, no
// Chromium, no display): the built headless host, whose simulated reader
// carries its frames in process, reads the test citizen's card through the
// contract like the booth page would.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { boothClientOver, callMethod, openContract } from '../support/contractClient';
import { walkTo } from '../support/walkTo';
import type { RunningHost } from '../../src/host/server';

const root = resolve(import.meta.dirname, '../..');
const hostEntry = resolve(root, 'out/host/index.js');
const scratch = mkdtempSync(join(tmpdir(), 'booth-fresh-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm start on a machine without socat', () => {
  it.runIf(existsSync(hostEntry))('reads the simulated e-KTP over the in-process line, and the log says so', async () => {
    // An empty PATH: socat (and Chromium) cannot be found; node is started by its own path.
    const child = spawn(process.execPath, [hostEntry, '--port', '0'], {
      cwd: root,
      env: { PATH: join(scratch, 'empty-bin'), HOME: scratch, XDG_RUNTIME_DIR: scratch, BOOTH_CONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += String(chunk)));
    child.stderr.on('data', (chunk) => (out += String(chunk)));
    const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
    try {
      await expect.poll(() => /token is in (\S+) /.test(out), { timeout: 20_000 }).toBe(true);
      const port = Number(/Booth ready at http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)?.[1]);
      const token = /#token=([0-9a-f]+)$/.exec(readFileSync(/token is in (\S+) /.exec(out)![1]!, 'utf8').trim())?.[1] ?? '';
      const page = await openContract({ origin: `http://127.0.0.1:${port}`, port, token } as RunningHost);
      const info = (await callMethod(page, 'booth.info')) as { ok: true; value: { capabilities: { card: boolean } } };
      expect(info.value.capabilities.card).toBe(true);
      await walkTo(boothClientOver(page), 'card');
      expect(await callMethod(page, 'card.read')).toMatchObject({
        ok: true,
        value: { step: 'card', chip: { name: 'SITI RAHMAWATI', nik: '3174054208900001' } },
      });
      expect(await callMethod(page, 'card.confirm')).toMatchObject({ ok: true });
      await page.close();
      expect(out).toMatch(/"event":"card\.emulator_in_process".*socat is not installed/);
      expect(out).not.toContain('3174054208900001');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
