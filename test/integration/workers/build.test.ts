// The production build emits each worker module as a file of its own: the
// real vite.host.config.ts bundles a stand-in entry that starts
// fixtures/test.worker.ts, and the built output runs in plain Node (no tsx)
// and talks to the emitted worker.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, type InlineConfig } from 'vite';
import hostConfig from '../../../vite.host.config';

const fixtures = resolve(import.meta.dirname, 'fixtures');
const outDir = mkdtempSync(join(tmpdir(), 'booth-workers-build-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** The host build's own settings, with only the entry and the output folder changed. */
function hostBuild(entry: string, out: string): InlineConfig {
  return {
    ...hostConfig,
    configFile: false,
    logLevel: 'silent',
    build: {
      ...hostConfig.build,
      outDir: out,
      emptyOutDir: true,
      rollupOptions: { ...hostConfig.build?.rollupOptions, input: { 'host/index': entry } },
    },
  };
}

describe('worker modules in the build', () => {
  it('emits the worker as workers/<name>.worker.js, and the built entry runs it without a TypeScript loader', async () => {
    await build(hostBuild(join(fixtures, 'builtEntry.ts'), outDir));
    expect(existsSync(join(outDir, 'workers/test.worker.js'))).toBe(true);
    const entry = join(outDir, 'host/index.js');
    const bundled = [entry, ...readdirSync(join(outDir, 'workers')).map((name) => join(outDir, 'workers', name))];
    // No string still names a .ts module (a region comment may name the source file).
    for (const file of bundled) expect(readFileSync(file, 'utf8')).not.toMatch(/["'`][^"'`\n]*\.worker\.ts["'`]/);

    const run = spawnSync(process.execPath, [entry], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '' } });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      answers: [
        { ok: true, value: { text: 'from the bundle', threadId: expect.any(Number) } },
        { ok: true, value: { sum: 18, byteLength: 3 } },
      ],
      detached: true,
    });
  });

  it('refuses to build a worker named in any other form than new URL(literal, import.meta.url)', async () => {
    await expect(build(hostBuild(join(fixtures, 'looseReference.ts'), join(outDir, 'refused')))).rejects.toThrow(
      /name a worker module only as new URL/,
    );
  });
});
