// `npm run bench -- NAME`: runs bench/NAME.ts, which prints its figures and
// writes bench/results/NAME.json.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const name = process.argv[2];
const available = readdirSync(resolve(root, 'bench'))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -3));
if (!name || !existsSync(resolve(root, 'bench', `${name}.ts`))) {
  console.error(`Usage: npm run bench -- NAME   (NAME: ${available.join(', ')})`);
  process.exit(2);
}
const run = spawnSync(resolve(root, 'node_modules/.bin/tsx'), [resolve(root, 'bench', `${name}.ts`), ...process.argv.slice(3)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
