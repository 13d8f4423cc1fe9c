// The layer rule can fail: lint the same import from different folders.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

describe('layer rule', () => {
  const importElectron = "import { app } from 'electron';\nexport const name = app.name;\n";

  it.each(['src/core/card/probe.ts', 'src/shared/probe.ts', 'src/renderer/probe.ts', 'src/host/probe.ts'])(
    'forbids electron in %s',
    async (file) => {
      expect(await ruleIds(importElectron, file)).toContain('no-restricted-imports');
    },
  );

  it.each([
    ["import { app } from 'electron/main';\nexport const name = app.name;\n", 'no-restricted-imports'],
    ["export const load = () => import('electron');\n", 'no-restricted-syntax'],
    ["declare const require: (id: string) => unknown;\nexport const shell = require('electron');\n", 'no-restricted-syntax'],
  ])('forbids the side doors to electron in src/core: %s', async (code, rule) => {
    expect(await ruleIds(code, 'src/core/probe.ts')).toContain(rule);
  });

  it.each(['src/main/probe.ts', 'src/preload/probe.ts'])('allows electron in %s', async (file) => {
    expect(await ruleIds(importElectron, file)).not.toContain('no-restricted-imports');
  });

  it.each([
    'src/core/card/pcsc/probe.ts',
    'src/host/probe.ts',
    'src/main/probe.ts',
    'test/integration/probe.test.ts',
    'bench/probe.ts',
    'scripts/probe.ts',
  ])('keeps the typecheck independent of the optional smartcard build in %s', async (file) => {
    expect(await ruleIds("import type * as Smartcard from 'smartcard';\nexport type Module = typeof Smartcard;\n", file)).toContain(
      'no-restricted-imports',
    );
    expect(await ruleIds("import { Context } from 'smartcard';\nexport const make = () => new Context();\n", file)).toContain(
      'no-restricted-imports',
    );
  });

  it('keeps Node built-ins out of src/shared and the renderer, and the renderer out of the core', async () => {
    const importFs = "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n";
    expect(await ruleIds(importFs, 'src/shared/probe.ts')).toContain('no-restricted-imports');
    expect(await ruleIds(importFs, 'src/renderer/probe.ts')).toContain('no-restricted-imports');
    expect(await ruleIds(importFs, 'src/core/probe.ts')).not.toContain('no-restricted-imports');
    const reachCore = "import { createBooth } from '../core/booth/booth';\nexport const make = createBooth;\n";
    expect(await ruleIds(reachCore, 'src/renderer/probe.ts')).toContain('no-restricted-imports');
  });

  it('lets a core capability reach another only through its index.ts', async () => {
    const inside = "import { createCardReader } from '../card/reader';\nexport const make = createCardReader;\n";
    const deeper = "import { zeroReadout } from '../../card/ektp/readEktp';\nexport const zero = zeroReadout;\n";
    const index = "import { createCardReader } from '../card';\nexport const make = createCardReader;\n";
    expect(await ruleIds(inside, 'src/core/face/probe.ts')).toContain('no-restricted-imports');
    expect(await ruleIds(deeper, 'src/core/face/sub/probe.ts')).toContain('no-restricted-imports');
    expect(await ruleIds(index, 'src/core/face/probe.ts')).not.toContain('no-restricted-imports');
    // Inside its own folder a capability imports what it likes; the core's layer rule still holds there.
    expect(
      await ruleIds("import { CardError } from '../errors';\nexport const E = CardError;\n", 'src/core/card/ektp/probe.ts'),
    ).not.toContain('no-restricted-imports');
    expect(await ruleIds(importElectron, 'src/core/face/probe.ts')).toContain('no-restricted-imports');
  });

  it('refuses hard-coded visible text in renderer components', async () => {
    const literal = 'export function Probe() {\n  return <p>Selamat datang</p>;\n}\n';
    expect(await ruleIds(literal, 'src/renderer/screens/Probe.tsx')).toContain('react/jsx-no-literals');
  });
});
