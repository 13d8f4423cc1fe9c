// The built output as an installed booth runs it (needs npm run build): the
// card emulator, its virtual cards and the synthetic citizens with their
// photos are in no file the core, the host, the technician CLI or Electron
// main load statically; they sit in out/emulators/, reached only by the
// dynamic import the emulated driver makes. An installed booth refuses to
// start without a real card driver set.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testIdentities } from '../../src/core/card/emulator';
import { testPhotos } from '../../src/core/card/emulator/testPhotos.generated';
import { CoreStartError, forkCore, superviseCore } from '../../src/core/process';
import { memoryLogger } from '../support/memoryLog';
import { testVaultConfig } from '../support/vault';

const out = resolve(import.meta.dirname, '../../out');
const entries = ['core/index.js', 'host/index.js', 'cli/booth.js', 'main/index.js'];

/** What only the emulator holds: its class names, the synthetic citizens' names and a stretch of each one's photo. */
const markers = [
  'SerialModuleEmulator',
  'VirtualEktpCard',
  ...testIdentities.map((identity) => identity.name),
  ...testPhotos.map((photo) => photo.jpeg.slice(400, 460)),
];

/** Files an entry loads before it runs: its static imports, followed through out/ (dynamic import() is not followed). */
function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:^|[;\n}])\s*(?:import|export)\s*(?:[^'"()]*?\sfrom\s*)?["'](\.{1,2}\/[^"']+)["']/g)) {
      visit(resolve(dirname(file), match[1]!));
    }
  };
  visit(resolve(out, entry));
  return seen;
}

const silentLogger = memoryLogger('silent').logger;

describe('the production bundle', () => {
  it('keeps the card emulator and the synthetic citizens out of every statically loaded file', () => {
    const loaded = new Set(entries.flatMap((entry) => [...staticGraph(entry)]));
    // The graph was really followed: the core's entry pulls in shared chunks.
    expect([...loaded].some((file) => file.includes(`${join('out', 'shared')}`))).toBe(true);
    for (const file of loaded) {
      const text = readFileSync(file, 'utf8');
      for (const marker of markers) expect(text.includes(marker), `${file} contains ${marker}`).toBe(false);
    }
  });

  it('puts the emulator in out/emulators/, reached by a dynamic import', () => {
    const folder = resolve(out, 'emulators');
    expect(existsSync(folder)).toBe(true);
    const chunks = readdirSync(folder).map((name) => readFileSync(join(folder, name), 'utf8'));
    for (const marker of markers)
      expect(
        chunks.some((text) => text.includes(marker)),
        marker,
      ).toBe(true);
    const loaded = [...staticGraph('core/index.js')].map((file) => readFileSync(file, 'utf8')).join('\n');
    expect(loaded).toMatch(/import\(["']\.\.\/emulators\/[^"']+\.js["']\)/);
  });

  it('refuses, installed, to start without a real card driver; starts with one', async () => {
    const start = (config: object) =>
      superviseCore({
        spawn: () => forkCore(resolve(out, 'core/index.js'), { stdio: 'pipe', execArgv: [] }),
        start: { config, version: '0.0.0-test', packaged: true },
        logger: silentLogger,
        faceModelFiles: new Map(),
      });
    const refused = await start({}).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(CoreStartError);
    expect(refused).toMatchObject({
      kind: 'config',
      message: expect.stringContaining('devices.card.driver: an installed booth has no card emulator'),
    });
    // Nor with the development keys, the demonstration upstream key or a vault folder that depends on where it started.
    const vaultRefused = await start({ devices: { card: { driver: 'none' } } }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(vaultRefused).toBeInstanceOf(CoreStartError);
    const message = (vaultRefused as CoreStartError).message;
    expect(message).toContain('vault.keys.provider: an installed booth does not keep enrollments under development keys');
    expect(message).toContain("vault.upstreamKey: an installed booth does not seal enrollments to the project's demonstration key");
    expect(message).toContain('vault.dir: an installed booth keeps its vault at an absolute path');
    expect(message).toContain(
      "sync.upstreamSigningKey: an installed booth does not trust acknowledgements signed with the project's demonstration key",
    );

    // A TPM that is not there leaves the vault out of service (the welcome screen says so); the booth itself starts.
    const vault = testVaultConfig({ keys: { provider: 'tpm', tcti: 'swtpm:host=127.0.0.1,port=9' } });
    const core = await start({ devices: { card: { driver: 'none' } }, vault, sync: { upstreamUrl: null } });
    try {
      expect(await core.handlers['booth.info']({})).toMatchObject({
        ok: true,
        value: { capabilities: { card: false }, admission: { open: false, reason: 'VAULT_UNAVAILABLE' } },
      });
      expect(await core.handlers['session.start']({})).toMatchObject({
        ok: false,
        error: { code: 'OUT_OF_SERVICE', reason: 'VAULT_UNAVAILABLE' },
      });
    } finally {
      await core.stop();
    }
  });
});
