// npm run bench -- sync [--drain N] [--booths N] [--processes N] [--rate N] [--seconds N] [--warmup N]
//
// Upstream sync against the reference upstream on a real PostgreSQL 15
// server (started here on 127.0.0.1, fsync on, as a deployment runs it),
// the upstream in its own process as `npm run upstream` runs it. Writes
// bench/results/sync.json.
//
// (a) drain_per_s: one booth's vault holding --drain (5,000) queued
//     enrollments of realistic size (~48 KB sealed: chip photo, three
//     crops, full frame, evidence) drained by the booth's own sync engine
//     (batches of 25, signed requests, every acknowledgement checked and
//     the outbox settled durably): enrollments per second, from the first
//     request to the empty queue.
// (b) fleet: --booths (200) simulated booths, each with its own key and its
//     own sealed enrollments, in --processes (2) processes, sending signed
//     batches of 25 as a fleet's steady traffic would (each booth one batch
//     every 25 / (rate / booths) s, phases spread) at --rate (1,000)
//     enrollments per second offered, for --seconds (20) after --warmup
//     (5) s whose requests are not counted (a node just started: JIT,
//     caches): fleet_accepted_per_s (acknowledged enrollments per second
//     over the measure), fleet_p99_ms (request latency, send to whole
//     answer), and the CPU share of the upstream process and of
//     PostgreSQL (all its processes) over the measure, in cores and as a
//     share of the machine.
//     Each phase starts on a settled database (VACUUM, CHECKPOINT).
// (c) saturation: the same booths sending back to back for --seconds / 2:
//     the most this one upstream node took, and its latency then.
// The simulated booths run on the same 2-core machine as the upstream and
// PostgreSQL, so every figure is for all three sharing it. To see where the
// upstream's time goes: BENCH_PHASES=MS prints the Server-Timing phases
// (body, verify, intake) of every request that took MS or longer,
// BENCH_TIMELINE=1 the latency 2 s at a time, and
// BENCH_UPSTREAM_PROFILE=DIR writes a CPU profile of each upstream process.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadUpstreamKeys, newUpstreamKeyFile } from '../src/upstream/keys';
import { startPostgres } from '../test/support/postgres';
import { openSyncBooth } from '../test/support/syncBooth';
import { testVaultConfig } from '../test/support/vault';
import type { FleetClientPlan, FleetClientReport } from './support/fleetClient';
import { percentile, round } from './support/stats';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    drain: { type: 'string', default: '5000' },
    booths: { type: 'string', default: '200' },
    processes: { type: 'string', default: '2' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    batch: { type: 'string', default: '25' },
    workers: { type: 'string', default: String(cpus().length) },
  },
});
const drainCount = Number(values.drain);
const boothCount = Number(values.booths);
const processes = Number(values.processes);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const warmupMs = Number(values.warmup) * 1000;
const batch = Number(values.batch);

/** CPU seconds used so far by these processes (utime + stime, /proc/PID/stat). */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended (a PostgreSQL backend closed): its time is lost, a small undercount.
    }
  }
  return ticks / 100;
}

/** The machine's idle CPU seconds so far (all cores, /proc/stat). */
function idleSeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  return (Number(fields[4]) + Number(fields[5])) / 100;
}

/** A process and its children (the postmaster and its backends; the upstream's primary and its workers). */
function processTree(parent: number): number[] {
  const pids = [parent];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(fields[1]) === parent) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function startUpstream(url: string, keyFile: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(
    process.execPath,
    [
      // BENCH_UPSTREAM_PROFILE=DIR: a CPU profile of the upstream's processes, for finding where its time goes.
      ...(process.env['BENCH_UPSTREAM_PROFILE'] ? ['--cpu-prof', '--cpu-prof-dir', process.env['BENCH_UPSTREAM_PROFILE']] : []),
      '--import',
      'tsx',
      join(root, 'src/upstream/main.ts'),
      'serve',
      '--database-url',
      url,
      '--key',
      keyFile,
      '--registration',
      'open',
      '--port',
      '0',
      '--workers',
      values.workers,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const base = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Reference upstream on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (match) done(match[1]!);
    });
    child.once('exit', (code) => fail(new Error(`the upstream exited (${code}): ${out}`)));
    setTimeout(() => fail(new Error(`the upstream did not start in 60 s: ${out}`)), 60_000).unref();
  });
  return { child, base };
}

async function fleetRun(
  base: string,
  sealingKey: { id: string; publicKey: string },
  mode: 'steady' | 'saturation',
  durationMs: number,
  firstBooth: number,
  pids: { upstream: number; postmaster: number },
) {
  // The booths send for the warm-up and then the measured duration; only requests sent after the warm-up count, and the CPU
  // shares are taken over the measured part alone.
  const totalMs = warmupMs + durationMs;
  const perProcess = Math.ceil(boothCount / processes);
  const perBoothRate = rate / boothCount;
  const intervalMs = mode === 'steady' ? (batch / perBoothRate) * 1000 : null;
  // Enough sealed records for the run (steady: what the rate offers; saturation: a generous ceiling).
  const recordsPerBooth =
    mode === 'steady' ? Math.ceil((totalMs / 1000) * perBoothRate) + batch : Math.ceil((3_000 * totalMs) / 1000 / boothCount) + batch;
  const children = Array.from({ length: processes }, () =>
    fork(join(root, 'bench/support/fleetClient.ts'), [], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: 'inherit' }),
  );
  const ready = children.map(
    (child, index) =>
      new Promise<void>((done, fail) => {
        child.once('message', (message: { ready?: boolean; error?: string }) => (message.ready ? done() : fail(new Error(message.error))));
        child.once('exit', (code) => fail(new Error(`a fleet process exited (${code}) before it was ready`)));
        const plan: FleetClientPlan = {
          url: base,
          sealingKey,
          firstBooth: firstBooth + index * perProcess,
          booths: Math.min(perProcess, boothCount - index * perProcess),
          recordsPerBooth,
          batch,
          intervalMs,
          durationMs: totalMs,
          warmupMs,
        };
        child.send(plan);
      }),
  );
  await Promise.all(ready);
  const reports = children.map(
    (child) =>
      new Promise<FleetClientReport>((done, fail) => {
        child.on('message', (message: { report?: FleetClientReport; error?: string }) => {
          if (message.report) done(message.report);
          else if (message.error) fail(new Error(message.error));
        });
      }),
  );
  const upstreamPids = processTree(pids.upstream);
  const postgres = processTree(pids.postmaster);
  for (const child of children) child.send('go');
  // The CPU shares are measured from the end of the warm-up.
  await new Promise((resolve) => setTimeout(resolve, warmupMs));
  const cpuBefore = { upstream: cpuSeconds(upstreamPids), postgres: cpuSeconds(postgres), idle: idleSeconds() };
  const measuredFrom = performance.now();
  const done = await Promise.all(reports);
  const wallS = (performance.now() - measuredFrom) / 1000;
  const cpu = {
    upstream: cpuSeconds(upstreamPids) - cpuBefore.upstream,
    postgres: cpuSeconds(processTree(pids.postmaster)) - cpuBefore.postgres,
    clients: done.reduce((sum, report) => sum + report.cpuSeconds, 0),
    idle: idleSeconds() - cpuBefore.idle,
  };
  if (process.env['BENCH_TIMELINE']) {
    // BENCH_TIMELINE=1: latency by when the request was sent, 2 s at a time, warm-up included.
    const sent = done.flatMap((report) => report.sentMs.map((at, index) => [at, report.latenciesMs[index]!] as const));
    for (let from = 0; from < totalMs; from += 2000) {
      const bucket = sent.filter(([at]) => at >= from && at < from + 2000).map(([, ms]) => ms);
      if (bucket.length > 0)
        console.log(
          `    ${from / 1000}–${from / 1000 + 2} s: ${bucket.length} requests, p50 ${round(percentile(bucket, 0.5), 0)} ms, max ${round(Math.max(...bucket), 0)} ms`,
        );
    }
  }
  const measured = (report: FleetClientReport) => report.sentMs.map((sent) => sent >= warmupMs);
  const latencies = done.flatMap((report) => report.latenciesMs.filter((_, index) => measured(report)[index]));
  const serverMs = done.flatMap((report) => report.serverMs.filter((ms, index) => measured(report)[index] && !Number.isNaN(ms)));
  const accepted = done.flatMap((report) => report.accepted).filter(([sent]) => sent >= warmupMs);
  const acceptedTotal = accepted.reduce((sum, [, , n]) => sum + n, 0);
  const measuredS = (Math.max(...accepted.map(([, answered]) => answered)) - warmupMs) / 1000;
  const failed = done.reduce((sum, report) => sum + report.failedRequests, 0);
  const shed = done.reduce((sum, report) => sum + report.shedRequests, 0);
  const refused = done.reduce((sum, report) => sum + report.refusedRecords, 0);
  const errors = done.flatMap((report) => report.errors);
  return {
    acceptedPerS: acceptedTotal / measuredS,
    acceptedTotal,
    requests: latencies.length,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    serverP50: percentile(serverMs, 0.5),
    serverP99: percentile(serverMs, 0.99),
    failed,
    shed,
    refused,
    errors,
    upstreamCores: cpu.upstream / wallS,
    postgresCores: cpu.postgres / wallS,
    clientCores: cpu.clients / wallS,
    idleCores: cpu.idle / wallS,
  };
}

/**
 * Settles the database between phases, as pgbench does before each run: a VACUUM of the rows the last phase wrote (or
 * autovacuum scans them, hundreds of megabytes, in the middle of the next phase's measure) and a CHECKPOINT (its dirty
 * pages written out). Autovacuum still runs for the rows a phase writes itself, as on a server taking a fleet's traffic.
 */
async function settle(url: string): Promise<void> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('VACUUM (ANALYZE)');
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
  console.log(`    (database settled: VACUUM and CHECKPOINT, ${round((performance.now() - started) / 1000, 1)} s)`);
}

const work = mkdtempSync(join(tmpdir(), 'bench-sync-'));
// Durable (every commit flushed to disk before the upstream acknowledges a record), and tuned as a write-heavy server would
// be: shared_buffers a quarter of the memory (PostgreSQL's usual advice), WAL room for the whole run (no checkpoint in the
// middle of it). wal_init_zero off: a fresh cluster has no WAL segments to recycle, so every 16 MB of WAL would first be
// written as zeros by the committing backend, holding the WAL write lock, which once the few segments left by initdb are
// used up (about 10 s into the fleet) doubled PostgreSQL's CPU per record and stalled every commit. A server that has run for
// a while recycles its segments at each checkpoint and never pays it.
const postgres = await startPostgres({
  durable: true,
  settings: {
    shared_buffers: `${Math.floor(totalmem() / 4 / 2 ** 20)}MB`,
    wal_buffers: '64MB',
    max_wal_size: '4GB',
    checkpoint_timeout: '30min',
    wal_init_zero: 'off',
  },
});
let upstream: ChildProcess | null = null;
try {
  const keyFile = join(work, 'upstream-key.json');
  writeFileSync(keyFile, newUpstreamKeyFile('bench-upstream'), { mode: 0o600 });
  const keys = loadUpstreamKeys(keyFile);
  const started = await startUpstream(postgres.url, keyFile);
  upstream = started.child;
  const pids = { upstream: upstream.pid!, postmaster: postgres.pid };
  console.log(`Upstream ${started.base} on PostgreSQL ${postgres.url} (fsync on); ${cpus().length} cores.`);

  // (a) One booth drains its queue.
  const vault = testVaultConfig({ upstreamKey: { id: keys.sealingKeyId, publicKey: keys.sealingPublicKey }, minFreeMb: 1 });
  const booth = await openSyncBooth({
    boothId: 'BENCH-DRAIN-01',
    url: started.base,
    vault,
    sync: { upstreamSigningKey: keys.signingPublicKey, batchSize: batch },
  });
  process.stdout.write(`(a) committing ${drainCount} enrollments to the booth's vault… `);
  const commitStarted = performance.now();
  await booth.commitEnrollments(drainCount);
  console.log(`${round((performance.now() - commitStarted) / 1000, 1)} s`);
  const counts = await booth.vault.writer!.call('counts', {});
  const bytes = await booth.vault.writer!.call('rows', { limit: 5 });
  const recordBytes = bytes.ok ? Math.round(bytes.value.reduce((sum, row) => sum + row.payloadSize, 0) / bytes.value.length) : 0;
  const engine = await booth.startSync();
  const drainStarted = performance.now();
  let status = await engine.syncNow();
  for (let pass = 0; pass < 100; pass++) {
    const left = await booth.vault.writer!.call('counts', {});
    if (left.ok && left.value.pending + left.value.sending === 0) break;
    status = await engine.syncNow();
  }
  const drainS = (performance.now() - drainStarted) / 1000;
  const after = await booth.vault.writer!.call('counts', {});
  await booth.close();
  if (!after.ok || after.value.acknowledged !== drainCount)
    throw new Error(`the drain did not finish: ${JSON.stringify(after)} ${JSON.stringify(status)}`);
  const drainPerS = drainCount / drainS;
  console.log(
    `    drained ${counts.ok ? counts.value.pending : '?'} enrollments of ~${Math.round(recordBytes / 1024)} KiB in ${round(drainS, 1)} s: ${round(drainPerS, 0)} per second`,
  );

  // (b) The fleet's steady traffic, then (c) the ceiling.
  await settle(postgres.url);
  console.log(
    `(b) ${boothCount} booths in ${processes} processes, ${rate} enrollments/s offered in batches of ${batch}, ${seconds} s after ${warmupMs / 1000} s of warm-up…`,
  );
  const steady = await fleetRun(
    started.base,
    { id: keys.sealingKeyId, publicKey: keys.sealingPublicKey },
    'steady',
    seconds * 1000,
    1,
    pids,
  );
  console.log(
    `    accepted ${round(steady.acceptedPerS, 0)}/s (${steady.acceptedTotal} in ${steady.requests} requests); latency p50 ${round(steady.p50, 0)} ms, p99 ${round(steady.p99, 0)} ms (upstream's own p50 ${round(steady.serverP50, 0)}, p99 ${round(steady.serverP99, 0)}); ` +
      `upstream ${round(steady.upstreamCores, 2)} cores, PostgreSQL ${round(steady.postgresCores, 2)}, simulated booths ${round(steady.clientCores, 2)}, idle ${round(steady.idleCores, 2)}; failed requests ${steady.failed}, shed (503) ${steady.shed}, refused records ${steady.refused}`,
  );
  await settle(postgres.url);
  console.log(`(c) the same booths back to back, ${seconds / 2} s…`);
  const saturation = await fleetRun(
    started.base,
    { id: keys.sealingKeyId, publicKey: keys.sealingPublicKey },
    'saturation',
    (seconds / 2) * 1000,
    1001,
    pids,
  );
  console.log(
    `    accepted ${round(saturation.acceptedPerS, 0)}/s; latency p50 ${round(saturation.p50, 0)} ms, p99 ${round(saturation.p99, 0)} ms; ` +
      `upstream ${round(saturation.upstreamCores, 2)} cores, PostgreSQL ${round(saturation.postgresCores, 2)}, simulated booths ${round(saturation.clientCores, 2)}, idle ${round(saturation.idleCores, 2)}; failed requests ${saturation.failed}, shed (503) ${saturation.shed}`,
  );
  for (const error of [...steady.errors, ...saturation.errors].slice(0, 5)) console.log(`    error: ${error}`);

  const cores = cpus().length;
  const result = {
    drain_per_s: round(drainPerS, 1),
    drain_enrollments: drainCount,
    drain_record_bytes: recordBytes,
    fleet_booths: boothCount,
    fleet_processes: processes,
    fleet_offered_per_s: rate,
    fleet_seconds: seconds,
    fleet_warmup_s: warmupMs / 1000,
    fleet_accepted_per_s: round(steady.acceptedPerS, 1),
    fleet_p50_ms: round(steady.p50, 1),
    fleet_p99_ms: round(steady.p99, 1),
    fleet_failed_requests: steady.failed,
    fleet_shed_requests: steady.shed,
    fleet_upstream_cpu_cores: round(steady.upstreamCores, 2),
    fleet_upstream_cpu_share: round(steady.upstreamCores / cores, 3),
    fleet_postgres_cpu_cores: round(steady.postgresCores, 2),
    fleet_clients_cpu_cores: round(steady.clientCores, 2),
    fleet_idle_cpu_cores: round(steady.idleCores, 2),
    saturation_accepted_per_s: round(saturation.acceptedPerS, 1),
    saturation_p99_ms: round(saturation.p99, 1),
    saturation_upstream_cpu_cores: round(saturation.upstreamCores, 2),
    saturation_postgres_cpu_cores: round(saturation.postgresCores, 2),
    batch,
    cores,
    measured_at: new Date().toISOString(),
  };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/sync.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  upstream?.kill('SIGTERM');
  await postgres.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
