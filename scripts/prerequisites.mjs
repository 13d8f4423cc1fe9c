// What the test suites need from the machine, made present before any suite
// runs: the Debian packages in scripts/system-packages.txt (Chromium, pcscd
// with vpcd, socat, ffmpeg, the PC/SC headers…) and the optional `smartcard`
// binding, which npm drops when it is installed before those headers exist.
//
// `npm test` calls ensurePrerequisites() first; .ci/run calls this file with
// --system-only before `npm ci`. It installs with apt-get when it can (root,
// or sudo that needs no password); otherwise it prints the one command to run
// and the caller stops before running any suite.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');

/**
 * The package names of scripts/system-packages.txt, comments stripped.
 * BOOTH_SYSTEM_PACKAGES names another list (the tests of this script use it).
 */
export function systemPackages(listFile = process.env.BOOTH_SYSTEM_PACKAGES || resolve(root, 'scripts/system-packages.txt')) {
  return readFileSync(listFile, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
}

/** Which of `packages` dpkg does not report as installed (all of them when dpkg is absent). */
export function missingPackages(packages) {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\\n', ...packages], { encoding: 'utf8' });
  if (query.error) return [...packages];
  const installed = new Set(
    query.stdout
      .split('\n')
      .filter((line) => line.endsWith('install ok installed'))
      .map((line) => line.split(' ')[0].split(':')[0]),
  );
  return packages.filter((name) => !installed.has(name));
}

/** How this process may run apt-get: as root, through password-less sudo, or not at all. */
function privilege() {
  if (process.getuid?.() === 0) return [];
  const sudo = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
  return sudo.status === 0 ? ['sudo', '-n'] : null;
}

function run(command, args, options = {}) {
  const [program, ...rest] = [...command, ...args];
  const result = spawnSync(program, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, ...options });
  return result.status === 0;
}

/**
 * Installs the missing Debian packages. Returns null when all is present
 * (or was installed), else the message that tells a person what to run.
 */
export function ensureSystemPackages({ log = console.log } = {}) {
  if (process.env.BOOTH_SKIP_SYSTEM_PACKAGES === '1') {
    log('BOOTH_SKIP_SYSTEM_PACKAGES=1: not checking the Debian packages; suites that need a missing tool will fail.');
    return null;
  }
  const packages = systemPackages();
  const missing = missingPackages(packages);
  if (missing.length === 0) return null;
  const command = `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!hasApt) {
    return `The test suites need these Debian packages and this machine has no apt-get: ${missing.join(' ')}.\nInstall their equivalents and run BOOTH_SKIP_SYSTEM_PACKAGES=1 npm test, or run the tests on Debian 12.`;
  }
  const as = privilege();
  if (as === null) {
    return `The test suites need Debian packages that are not installed: ${missing.join(' ')}.\nRun this once (it needs root), then npm test again:\n\n  ${command}\n`;
  }
  log(`Installing Debian packages the tests need: ${missing.join(' ')}`);
  const installed =
    run(as, ['apt-get', 'update', '-qq']) &&
    run(as, ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: ['ignore', 'ignore', 'inherit'] });
  const still = missingPackages(packages);
  if (!installed || still.length > 0) {
    return `apt-get could not install: ${still.join(' ') || missing.join(' ')}.\nRun this yourself, read its errors, then npm test again:\n\n  ${command}\n`;
  }
  return null;
}

/** True when `smartcard` (the PC/SC binding, an optional dependency) loads in a fresh Node. */
export function smartcardLoads() {
  const probe = spawnSync(process.execPath, ['-e', "require('smartcard')"], { cwd: root, stdio: 'ignore' });
  return probe.status === 0;
}

/**
 * Builds the PC/SC binding once its headers are there. npm removes an
 * optional dependency whose build failed, so a missing package is installed
 * again from the lock file (no save: package.json and the lock stay as they
 * are); a present but unbuilt one is rebuilt.
 */
export function ensureSmartcardBinding({ log = console.log } = {}) {
  if (smartcardLoads()) return null;
  const present = existsSync(resolve(root, 'node_modules/smartcard/package.json'));
  log(
    present
      ? 'Rebuilding the PC/SC binding (smartcard) now that its headers are installed…'
      : 'Installing the PC/SC binding (smartcard), dropped by npm install before its headers were there…',
  );
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = present ? ['rebuild', 'smartcard'] : ['install', '--no-save', '--no-audit', '--no-fund', '--include=optional'];
  run([npm], args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (smartcardLoads()) return null;
  return 'The PC/SC binding (smartcard) does not build: install libpcsclite-dev and build-essential, then run npm rebuild smartcard (or npm install) and npm test again.';
}

/** Everything the suites need; null when ready, else the message to print before stopping. */
export function ensurePrerequisites(options = {}) {
  return ensureSystemPackages(options) ?? ensureSmartcardBinding(options);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const systemOnly = process.argv.includes('--system-only');
  const problem = systemOnly ? ensureSystemPackages() : ensurePrerequisites();
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
