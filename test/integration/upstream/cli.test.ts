// The operator's command line of the reference upstream (`npm run upstream -- …`,
// src/upstream/main.ts), run in-process on a real PGlite folder and a real
// PostgreSQL 15 started on 127.0.0.1: key files, the booth registry, and the
// exit codes and words of its refusals.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadUpstreamKeys } from '../../../src/upstream/keys';
import { main } from '../../../src/upstream/main';
import { startPostgres, type RunningPostgres } from '../../support/postgres';
import { upstreamStorages } from '../../support/upstream';

/** Runs the upstream's CLI with `args`; answers its exit code and what it printed to stdout and stderr. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(parts.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void err.push(parts.join(' ')));
  try {
    const code = await main(args);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

const boothKey = () => generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!;

let folder: string;
beforeAll(() => void (folder = mkdtempSync(join(tmpdir(), 'upstream-cli-'))));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('npm run upstream -- keys new', () => {
  it('writes a private key file once, prints the public halves booths take, and never overwrites it', async () => {
    const file = join(folder, 'upstream-key.json');
    const written = await run(['keys', 'new', '--id', 'dukcapil-2026-12', '--out', file]);
    expect(written.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const keys = loadUpstreamKeys(file);
    expect(keys.sealingKeyId).toBe('dukcapil-2026-12');
    expect(written.out).toContain(`"publicKey": "${keys.sealingPublicKey}"`);
    expect(written.out).toContain(`"upstreamSigningKey": "${keys.signingPublicKey}"`);

    const before = readFileSync(file, 'utf8');
    const again = await run(['keys', 'new', '--id', 'another', '--out', file]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('never overwritten');
    expect(readFileSync(file, 'utf8')).toBe(before);

    const badId = await run(['keys', 'new', '--id', 'no spaces please', '--out', join(folder, 'other.json')]);
    expect(badId.code).toBe(2);
    expect(badId.err).toContain('keys new needs --id KEY_ID');
  });
});

describe('npm run upstream: mistakes in the command line', () => {
  it('answers an unknown command or option with exit 2, the reason and the usage', async () => {
    const unknown = await run(['booths', 'add', '--data', join(folder, 'unused')]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Unknown command "booths add"');
    expect(unknown.err).toContain('Usage: npm run upstream');
    const option = await run(['booth', 'list', '--colour']);
    expect(option.code).toBe(2);
    expect(option.err).toMatch(/Unknown option '--colour'/);
    const registration = await run(['--registration', 'half-open', '--data', join(folder, 'unused')]);
    expect(registration.code).toBe(2);
    expect(registration.err).toContain('--registration is "open" or "closed", not "half-open"');
  });

  it('refuses several processes on PGlite, which belongs to one process, before it listens', async () => {
    const answer = await run(['serve', '--workers', '2', '--port', '0', '--data', join(folder, 'serve-pglite')]);
    expect(answer.code).toBe(2);
    expect(answer.err).toContain('--workers above 1 needs PostgreSQL');
  });

  it('says why the database cannot be opened: a PostgreSQL server that is not there', async () => {
    const answer = await run(['booth', 'list', '--database-url', 'postgres://nobody@127.0.0.1:1/none']);
    expect(answer.code).toBe(1);
    expect(answer.err).toContain("The upstream's database cannot be opened");
  });
});

describe.each(upstreamStorages)('npm run upstream -- booth (%s)', (storage) => {
  let postgres: RunningPostgres | null = null;
  let where: string[];
  beforeAll(async () => {
    if (storage === 'postgres') {
      postgres = await startPostgres();
      where = ['--database-url', postgres.url];
    } else where = ['--data', join(folder, `registry-${storage}`)];
  }, 60_000);
  afterAll(async () => void (await postgres?.stop()));

  it('adds, lists and revokes booths, and refuses another key for a known booth, or text that is not a key', async () => {
    const key = boothKey();
    const added = await run(['booth', 'add', 'BOOTH-JKT-01', key, ...where]);
    expect(added).toMatchObject({ code: 0, out: 'Booth BOOTH-JKT-01 registered.' });
    expect((await run(['booth', 'add', 'BOOTH-JKT-01', key, ...where])).out).toBe(
      'Booth BOOTH-JKT-01 was registered already with this key.',
    );

    const otherKey = await run(['booth', 'add', 'BOOTH-JKT-01', boothKey(), ...where]);
    expect(otherKey.code).toBe(1);
    expect(otherKey.err).toContain('BOOTH-JKT-01');
    const notAKey = await run(['booth', 'add', 'BOOTH-JKT-02', 'not-a-key', ...where]);
    expect(notAKey.code).toBe(2);
    expect(notAKey.err).toContain('its key (43 base64url characters)');
    const badId = await run(['booth', 'add', 'BOOTH JKT', key, ...where]);
    expect(badId.code).toBe(2);

    const listed = await run(['booth', 'list', '--json', ...where]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out)).toEqual([
      { booth_id: 'BOOTH-JKT-01', status: 'active', public_key: key, registered_by: 'operator', records_received: 0 },
    ]);

    const revoked = await run(['booth', 'revoke', 'BOOTH-JKT-01', '--reason', 'stolen from the office', ...where]);
    expect(revoked).toMatchObject({ code: 0, out: 'Booth BOOTH-JKT-01 revoked: its requests are refused from now on.' });
    const missing = await run(['booth', 'revoke', 'BOOTH-NOWHERE', ...where]);
    expect(missing).toMatchObject({ code: 1, err: 'No booth BOOTH-NOWHERE in the registry.' });
    const table = await run(['booth', 'list', ...where]);
    expect(table.out).toMatch(/^BOOTH-JKT-01\s+revoked\s/);
    // A revoked booth cannot be brought back by adding it again with its old key.
    expect((await run(['booth', 'add', 'BOOTH-JKT-01', key, ...where])).code).toBe(1);
  }, 60_000);
});

describe('npm run upstream -- officer', () => {
  it('adds an officer with a password from a file, refuses a short password, a bad id and a second add, lists and disables', async () => {
    const where = ['--data', join(folder, 'officers-pglite')];
    const passwordFile = join(folder, 'password.txt');
    writeFileSync(passwordFile, 'a long enough passphrase\nignored second line\n', { mode: 0o600 });
    const added = await run(['officer', 'add', 'siti.rahma', '--name', 'Siti Rahmawati', '--password-file', passwordFile, ...where]);
    expect(added).toMatchObject({ code: 0, out: 'Officer siti.rahma (Siti Rahmawati) added: they log in at /console/ on the upstream.' });
    expect(await run(['officer', 'add', 'siti.rahma', '--name', 'Again', '--password-file', passwordFile, ...where])).toMatchObject({
      code: 1,
      err: 'Officer siti.rahma not added: officer siti.rahma exists already.',
    });
    writeFileSync(passwordFile, 'short\n');
    expect(await run(['officer', 'add', 'budi', '--name', 'Budi', '--password-file', passwordFile, ...where])).toMatchObject({
      code: 2,
      err: 'Officer budi not added: an officer password has at least 12 characters.',
    });
    expect((await run(['officer', 'add', 'budi santoso', '--name', 'Budi', '--password-file', passwordFile, ...where])).code).toBe(2);
    expect((await run(['officer', 'add', 'budi', '--password-file', passwordFile, ...where])).err).toContain('officer add needs --name');
    expect((await run(['officer', 'add', 'budi', '--name', 'B', '--password-file', join(folder, 'none.txt'), ...where])).err).toMatch(
      /The password cannot be read from .*none\.txt/,
    );
    const listed = await run(['officer', 'list', ...where]);
    expect(listed.out).toMatch(/^siti\.rahma\s+active\s+Siti Rahmawati {2}\(last login never\)$/);
    expect(await run(['officer', 'disable', 'siti.rahma', ...where])).toMatchObject({ code: 0 });
    expect((await run(['officer', 'list', ...where])).out).toMatch(/^siti\.rahma\s+disabled\s/);
    expect(await run(['officer', 'disable', 'nobody', ...where])).toMatchObject({ code: 1, err: 'No officer nobody.' });
  }, 60_000);
});

describe('npm run upstream -- import', () => {
  it('needs exactly one folder, and says so', async () => {
    const none = await run(['import', '--data', join(folder, 'import-pglite')]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('import needs one export folder');
    const two = await run(['import', 'a', 'b', '--data', join(folder, 'import-pglite')]);
    expect(two.code).toBe(2);
  }, 60_000);
});
