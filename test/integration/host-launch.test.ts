// `node out/host/index.js` as an operator runs it: the token is never on
// stdout, and the link that carries it sits in a file only the booth's user
// can read, removed when the host stops.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { callMethod, openContract } from '../support/contractClient';
import type { RunningHost } from '../../src/host/server';

const root = resolve(import.meta.dirname, '../..');
const runtimeDir = mkdtempSync(join(tmpdir(), 'booth-runtime-'));
afterAll(() => rmSync(runtimeDir, { recursive: true, force: true }));

describe('the host hands over its token privately', () => {
  it('prints the URL without the token and writes the link to a 0600 file in a 0700 folder', async () => {
    const child = spawn(resolve(root, 'node_modules/.bin/tsx'), [resolve(root, 'src/host/index.ts'), '--port', '0', '--open'], {
      cwd: root,
      env: { ...process.env, XDG_RUNTIME_DIR: runtimeDir, BOOTH_CONFIG: '', DISPLAY: '', WAYLAND_DISPLAY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += String(chunk)));
    const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
    try {
      await expect.poll(() => /No display/.test(out), { timeout: 20_000 }).toBe(true);
      const ready = /Booth ready at (http:\/\/127\.0\.0\.1:(\d+)\/)\n/.exec(out);
      expect(ready).not.toBeNull();
      const urlFile = /token is in (\S+) /.exec(out)?.[1] ?? '';
      expect(urlFile.startsWith(runtimeDir)).toBe(true);
      expect(statSync(urlFile).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(urlFile)).mode & 0o777).toBe(0o700);
      const pageUrl = /open (file:\S+) in a browser/.exec(out)?.[1] ?? '';
      expect(statSync(fileURLToPath(pageUrl)).mode & 0o777).toBe(0o600);

      const launchUrl = readFileSync(urlFile, 'utf8').trim();
      const token = /#token=([0-9a-f]{48})$/.exec(launchUrl)?.[1] ?? '';
      expect(launchUrl.startsWith(ready![1]!)).toBe(true);
      expect(token).not.toBe('');
      expect(out).not.toContain(token);
      expect(readFileSync(fileURLToPath(pageUrl), 'utf8')).toContain(`url=${launchUrl}"`);

      // The token from the file opens the contract.
      const origin = `http://127.0.0.1:${ready![2]}`;
      const page = await openContract({ origin, port: Number(ready![2]), token } as RunningHost);
      expect(await callMethod(page, 'booth.info')).toMatchObject({ ok: true });
      await page.close();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(readdirSync(runtimeDir)).toEqual([]);
  });
});
