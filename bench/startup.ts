// Cold start of the headless host until the Attract screen is rendered in
// Chromium, and the resident memory of the host and its core process
// together (host_rss_mb; each in shell_rss_mb_runs and core_rss_mb_runs). Chromium is started once before
// timing (it is not the host's cost); each run starts a new host process and
// opens the page in a fresh browser context (empty cache).
// Writes bench/results/startup.json: { cold_start_ms_median, host_rss_mb, ... }.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, chromiumFlags } from '../test/support/browser';

const RUNS = 5;
const root = resolve(import.meta.dirname, '..');

function startHost(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [resolve(root, 'out/host/index.js'), '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolvePromise, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('host did not print its URL within 10 s')), 10_000);
    child.stdout!.on('data', (chunk) => {
      text += String(chunk);
      // The host prints no token: the link that carries it is in a file only this user can read.
      const match = /token is in (\S+) /.exec(text);
      if (match) {
        clearTimeout(timer);
        resolvePromise({ child, url: readFileSync(match[1]!, 'utf8').trim() });
      }
    });
    child.once('exit', (code) => reject(new Error(`host exited early (${code})`)));
  });
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

/** The processes the host started (its core), from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const build = spawnSync(process.execPath, [resolve(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: chromiumFlags });
const coldStarts: number[] = [];
const rss: number[] = [];
const shellRss: number[] = [];
const coreRss: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const context = await browser.newContext({ viewport: { width: 1080, height: 1920 } });
  const page = await context.newPage();
  const t0 = performance.now();
  const { child, url } = await startHost();
  await page.goto(url);
  await page.locator('[data-step="attract"]').waitFor({ timeout: 10_000 });
  coldStarts.push(Math.round(performance.now() - t0));
  // Memory once the page is connected and the host has served a citizen's first taps.
  await page.getByTestId('start').click();
  await page.locator('[data-step="consent"]').waitFor();
  // The booth is two processes now: the host (shell) and its core. The goal is for both together.
  const shell = rssMb(child.pid!);
  const core = childrenOf(child.pid!).reduce((sum, pid) => sum + rssMb(pid), 0);
  shellRss.push(shell);
  coreRss.push(Math.round(core * 10) / 10);
  rss.push(Math.round((shell + core) * 10) / 10);
  child.kill('SIGTERM');
  await new Promise((resolveExit) => child.once('exit', resolveExit));
  await context.close();
}
await browser.close();

const result = {
  cold_start_ms_median: median(coldStarts),
  host_rss_mb: Math.max(...rss),
  cold_start_ms_runs: coldStarts,
  host_rss_mb_runs: rss,
  shell_rss_mb_runs: shellRss,
  core_rss_mb_runs: coreRss,
  runs: RUNS,
  goals: { cold_start_ms_median: 1500, host_rss_mb: 150 },
  machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
  measured_at: new Date().toISOString(),
};
console.log('\nstartup (headless host → Attract rendered in Chromium)');
console.log('  run   cold start ms   host RSS MB (shell + core)');
coldStarts.forEach((ms, i) =>
  console.log(
    `  ${String(i + 1).padStart(3)}   ${String(ms).padStart(13)}   ${String(rss[i]).padStart(11)} (${shellRss[i]} + ${coreRss[i]})`,
  ),
);
console.log(
  `  median cold start: ${result.cold_start_ms_median} ms (goal ≤ 1500)   max host + core RSS: ${result.host_rss_mb} MB (goal ≤ 150)`,
);
mkdirSync(resolve(root, 'bench/results'), { recursive: true });
writeFileSync(resolve(root, 'bench/results/startup.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log('  written: bench/results/startup.json');
