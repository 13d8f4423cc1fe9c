// `npm test`: the machine's prerequisites, then build, typecheck, lint and
// every vitest suite (unit, integration, e2e). Ends with one line
// "N passed, N failed" that totals all of it (each of build, typecheck and
// lint counts as one check).
//
// On a fresh Debian machine the first run installs the Debian packages the
// suites need (scripts/system-packages.txt) when it runs as root or with
// password-less sudo, and builds the optional PC/SC binding; where it cannot,
// it prints the one command to run and stops before any suite.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensurePrerequisites } from './prerequisites.mjs';

const root = resolve(import.meta.dirname, '..');
const bin = (name) => resolve(root, 'node_modules/.bin', name);
const extraArgs = process.argv.slice(2);
let passed = 0;
let failed = 0;

const missing = ensurePrerequisites();
if (missing) {
  console.log(`\n${missing}`);
  console.log('\nNo suite was run: the machine is missing what the tests need (above).\n0 passed, 1 failed');
  process.exit(1);
}

function check(name, command, args) {
  console.log(`\n▶ ${name}`);
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (run.status === 0) passed += 1;
  else {
    failed += 1;
    console.log(`✗ ${name} failed (exit ${run.status ?? run.signal})`);
  }
  return run.status === 0;
}

const built = check('build (electron-vite: main, preload, renderer; vite: host)', process.execPath, [resolve(root, 'scripts/build.mjs')]);
check('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
check('lint (with the layer rule)', bin('eslint'), ['--max-warnings', '0', '.']);
check('format (prettier --check)', bin('prettier'), ['--check', '.']);

const report = resolve(root, 'test-results/vitest.json');
mkdirSync(resolve(root, 'test-results'), { recursive: true });
rmSync(report, { force: true });
console.log('\n▶ vitest: unit, integration, e2e');
// e2e needs the build; without it only the Node suites run and the build failure is already counted.
const projects = built ? [] : ['--project', 'unit', '--project', 'integration'];
const vitest = spawnSync(
  bin('vitest'),
  ['run', ...projects, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extraArgs],
  { cwd: root, stdio: 'inherit' },
);
if (existsSync(report)) {
  const summary = JSON.parse(readFileSync(report, 'utf8'));
  passed += summary.numPassedTests;
  failed += summary.numFailedTests;
  // A file whose setup failed (a beforeAll that threw: no Chromium, a host that
  // would not start) marks its tests skipped, not failed: count each such file.
  const brokenFiles = summary.testResults.filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
  );
  failed += brokenFiles.length;
  for (const file of brokenFiles) console.log(`✗ ${file.name}: ${String(file.message ?? 'failed before its tests ran').split('\n')[0]}`);
  if (summary.numTotalTests === 0) failed += 1;
  // Whatever the counts say, vitest's own failure is a failure.
  if (vitest.status !== 0 && failed === 0) failed += 1;
} else {
  console.log('✗ vitest wrote no report');
  failed += 1;
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
