// The first step of `npm test` on a fresh machine: the Debian packages from
// the one list, installed when it may, otherwise the one command to run and
// no suite started. Runs the real script as a real unprivileged user.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import { ensureSystemPackages, missingPackages, systemPackages } from '../../scripts/prerequisites.mjs';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'booth-prereq-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('machine prerequisites', () => {
  it('reads one list that .ci/run and npm test share', () => {
    const packages: string[] = systemPackages();
    expect(packages).toEqual(expect.arrayContaining(['chromium', 'socat', 'pcscd', 'vsmartcard-vpcd', 'libpcsclite-dev', 'ffmpeg']));
    expect(packages.every((name) => /^[a-z0-9][a-z0-9.+-]+$/.test(name))).toBe(true);
    expect(readFileSync(join(root, '.ci/run'), 'utf8')).toMatch(/node scripts\/prerequisites\.mjs/);
    expect(readFileSync(join(root, 'scripts/test.mjs'), 'utf8')).toMatch(/ensurePrerequisites\(\)/);
  });

  const debian = spawnSync('dpkg-query', ['--version']).status === 0;
  it.runIf(debian)('tells installed packages from absent ones', () => {
    expect(missingPackages(['dpkg', 'anjungan-ikd-no-such-package'])).toEqual(['anjungan-ikd-no-such-package']);
  });

  it('checks nothing when told to (a machine without Debian packages), and says so', () => {
    const list = join(dir, 'skip.txt');
    writeFileSync(list, 'anjungan-ikd-no-such-package\n');
    const saved = { list: process.env.BOOTH_SYSTEM_PACKAGES };
    const said: string[] = [];
    try {
      process.env.BOOTH_SYSTEM_PACKAGES = list;
      process.env.BOOTH_SKIP_SYSTEM_PACKAGES = '1';
      expect(ensureSystemPackages({ log: (line: string) => said.push(line) })).toBeNull();
      expect(said.join('\n')).toMatch(/not checking the Debian packages/);
    } finally {
      delete process.env.BOOTH_SKIP_SYSTEM_PACKAGES;
      if (saved.list === undefined) delete process.env.BOOTH_SYSTEM_PACKAGES;
      else process.env.BOOTH_SYSTEM_PACKAGES = saved.list;
    }
  });

  const unprivileged = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
  it.runIf(unprivileged)('without root or sudo, npm test prints the one command to run and starts no suite', () => {
    const list = join(dir, 'packages.txt');
    writeFileSync(list, 'dpkg   # present everywhere\nanjungan-ikd-no-such-package  # never present\n');
    chmodSync(dir, 0o755);
    chmodSync(list, 0o644);
    const run = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, 'scripts/test.mjs'], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: dir, BOOTH_SYSTEM_PACKAGES: list },
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('sudo apt-get update && sudo apt-get install -y --no-install-recommends anjungan-ikd-no-such-package\n');
    expect(run.stdout).not.toContain('▶');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 1 failed');
  });
});
