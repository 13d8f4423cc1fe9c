// npm run bench -- vault [--count N]
//
// The enrollment vault's commit, measured from the caller's side as the
// booth's saving step sees it, and the same bytes written without
// encryption beside it. Writes bench/results/vault.json.
//
// - commit_ms_p50 / p99: Vault.commit() of one realistic enrollment (two
//   ~15 KB photos, three ~6 KB crops, the typed data and evidence; ~50 KB
//   sealed), from the call to the durable answer: the hand-over to the
//   writer thread, CBOR, HPKE seal, Ed25519 signature, the record and its
//   outbox row in one transaction, fsync (WAL, synchronous=FULL), and the
//   answer back. seal_ms and write_ms split the worker's part.
// - plain_ms_p50 / p99: the very same sealed bytes (read back from the
//   vault after the run) inserted into a database without encryption, with
//   the same schema, transaction and durability settings, in this thread.
//   "Plain" is better-sqlite3-multiple-ciphers opened without a key: the
//   same SQLite build minus the cipher, so the difference is the cipher
//   and the booth's own work (sealing, the thread hop), nothing else.
//   overhead_vs_plain = commit p50 / plain p50. The two run in alternating
//   blocks of 100, so both meet the same disk and the same neighbours. Each
//   enrollment is one of ten prepared ones under its own citizen (NIK): the
//   sealed bytes differ every time (HPKE is randomised), and the caller holds
//   what a booth holds, one enrollment at a time.
// - db_open_ms: opening the vault's 1,000-enrollment file with its raw key
//   as the writer does (cipher, first page, WAL, pragmas, migration check);
//   vault_open_ms: the whole openVault (development keys' scrypt, the
//   writer thread's start, the open), which the booth does once at start.
// - main_loop_max_stall_ms: the largest delay of the caller's event loop
//   (monitorEventLoopDelay, 1 ms resolution) during the commits;
//   main_loop_idle_max_stall_ms: the same while idle, this machine's noise.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3-multiple-ciphers';
import { createLogger } from '../src/core/logging';
import {
  createDevelopmentKeyProvider,
  deriveKeySeeds,
  KEYS_FOLDER,
  keysFromSeeds,
  migrate,
  openVault,
  openVaultDatabase,
  VAULT_FILE,
  VaultStore,
  uuidv7,
} from '../src/core/vault';
import { sampleEnrollment, sampleNik, testUpstream } from '../test/support/vault';
import { median, percentile, round } from './support/stats';

const { values } = parseArgs({ options: { count: { type: 'string', default: '1000' } } });
const COUNT = Number(values.count);
const BLOCK = 100;
const root = resolve(import.meta.dirname, '..');
// On the project's disk, like the booth's vault (not a tmpfs).
const work = mkdtempSync(join(tmpdir(), 'booth-bench-vault-'));
const passphrase = 'bench vault passphrase';
const upstream = testUpstream('bench-upstream');

const opening = performance.now();
const vault = await openVault({
  dir: join(work, 'vault'),
  keyProvider: createDevelopmentKeyProvider({ keysDir: join(work, 'vault', KEYS_FOLDER), passphrase }),
  upstreamKey: upstream.key,
  boothId: 'BOOTH-BENCH-01',
  logger: createLogger({ level: 'silent' }),
  minFreeBytes: 1,
  retentionMs: 0,
});
const vaultOpenMs = performance.now() - opening;
if (!vault.writer) throw new Error('the vault did not open');

// Plain: the same schema and settings, no key.
const plain = new Database(join(work, 'plain.db'));
plain.pragma('journal_mode = WAL');
plain.pragma('synchronous = FULL');
plain.pragma('secure_delete = ON');
plain.pragma('temp_store = MEMORY');
plain.pragma('foreign_keys = ON');
migrate(plain);
const plainStore = new VaultStore(plain);

const pool = Array.from({ length: 10 }, (_, i) => sampleEnrollment(i + 1));
const commitMs: number[] = [];
const sealMs: number[] = [];
const writeMs: number[] = [];
const plainMs: number[] = [];
let sealedBytes = 0;
const ids: string[] = [];
// A fresh monitor per block: a re-enabled monitor counts the gap since it was disabled as a stall.
const loop = { max: 0, p99: 0 };

for (let start = 0; start < COUNT; start += BLOCK) {
  // Each enrollment is one of a few prepared ones under its own citizen: making a sample is the bench's work, not the booth's,
  // and a booth holds one enrollment at a time, not a block of a hundred (whose garbage would show as the caller's stalls).
  const block = Array.from({ length: Math.min(BLOCK, COUNT - start) }, (_, i) => {
    const prepared = pool[(start + i) % pool.length]!;
    const nik = sampleNik(start + i + 1);
    return { citizen: { ...prepared.citizen, nik }, content: { ...prepared.content, citizen: { ...prepared.content.citizen, nik } } };
  });
  const blockIds: string[] = [];
  const blockLoop = monitorEventLoopDelay({ resolution: 1 });
  blockLoop.enable();
  for (const sample of block) {
    const t = performance.now();
    const committed = await vault.commit({
      kind: 'enrollment',
      about: null,
      nik: sample.citizen.nik,
      content: (id) => ({ ...sample.content, enrollmentId: id }),
    });
    const ms = performance.now() - t;
    if (!committed.ok) throw new Error(committed.message);
    commitMs.push(ms);
    sealMs.push(committed.ms.seal);
    writeMs.push(committed.ms.write);
    sealedBytes += committed.payloadSize;
    blockIds.push(committed.id);
  }
  blockLoop.disable();
  loop.max = Math.max(loop.max, blockLoop.max);
  loop.p99 = Math.max(loop.p99, blockLoop.percentile(99));
  ids.push(...blockIds);
  // The same sealed bytes, without encryption, in this thread.
  for (const id of blockIds) {
    const sealed = await vault.writer.call('sealed', { id });
    if (!sealed.ok || !sealed.value) throw new Error(`record ${id} not read back`);
    const t = performance.now();
    const written = plainStore.commit({
      id: uuidv7(),
      createdAt: Date.now(),
      kind: 'enrollment',
      about: null,
      nikHmac: Buffer.alloc(32, 1),
      sealed: sealed.value,
    });
    plainMs.push(performance.now() - t);
    if (!written.ok) throw new Error(written.message);
  }
}
const idle = monitorEventLoopDelay({ resolution: 1 });
idle.enable();
await new Promise((done) =>
  setTimeout(
    done,
    Math.min(
      10_000,
      commitMs.reduce((a, b) => a + b, 0),
    ),
  ),
);
idle.disable();
await vault.stop();
plain.close();

// Opening the full file with its raw key, as the writer does at start (10 times; the first is cold only for this process).
const rootSecret = await createDevelopmentKeyProvider({ keysDir: join(work, 'vault', KEYS_FOLDER), passphrase }).rootSecret();
if (!rootSecret.ok) throw new Error(rootSecret.message);
const keys = keysFromSeeds(deriveKeySeeds(rootSecret.root));
const openMs: number[] = [];
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  const opened = openVaultDatabase(join(work, 'vault', VAULT_FILE), keys.databaseKey);
  openMs.push(performance.now() - t);
  if (!opened.ok) throw new Error(opened.message);
  if (i === 0 && (opened.db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n !== COUNT)
    throw new Error('records missing');
  opened.db.close();
}
rmSync(work, { recursive: true, force: true });

const p = (values: number[], q: number) => round(percentile(values, q), 3);
const result = {
  count: COUNT,
  record_bytes_mean: Math.round(sealedBytes / COUNT),
  commit_ms_p50: p(commitMs, 0.5),
  commit_ms_p99: p(commitMs, 0.99),
  commit_ms_max: round(Math.max(...commitMs), 3),
  seal_ms_p50: p(sealMs, 0.5),
  seal_ms_p99: p(sealMs, 0.99),
  write_ms_p50: p(writeMs, 0.5),
  write_ms_p99: p(writeMs, 0.99),
  plain_ms_p50: p(plainMs, 0.5),
  plain_ms_p99: p(plainMs, 0.99),
  overhead_vs_plain: round(percentile(commitMs, 0.5) / percentile(plainMs, 0.5), 2),
  db_open_ms: round(median(openMs), 2),
  db_open_ms_max: round(Math.max(...openMs), 2),
  vault_open_ms: round(vaultOpenMs, 1),
  main_loop_max_stall_ms: round(loop.max / 1e6, 2),
  main_loop_p99_stall_ms: round(loop.p99 / 1e6, 2),
  main_loop_idle_max_stall_ms: round(idle.max / 1e6, 2),
  goals: { commit_ms_p50: 2, commit_ms_p99: 15, overhead_vs_plain: 4, db_open_ms: 100, main_loop_max_stall_ms: 10 },
  machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg_1m: round(loadavg()[0]!, 2) },
  node: process.version,
  date: new Date().toISOString(),
};
const goals = result.goals;
const mark = (value: number, goal: number) => (value <= goal ? 'ok' : 'OVER');
console.log(
  [
    `vault: ${COUNT} enrollments of ~${Math.round(result.record_bytes_mean / 1024)} KiB sealed, committed one by one`,
    `  commit (caller side)  p50 ${result.commit_ms_p50} ms [${mark(result.commit_ms_p50, goals.commit_ms_p50)} ≤ ${goals.commit_ms_p50}], p99 ${result.commit_ms_p99} ms [${mark(result.commit_ms_p99, goals.commit_ms_p99)} ≤ ${goals.commit_ms_p99}], max ${result.commit_ms_max} ms`,
    `    in the writer: seal p50 ${result.seal_ms_p50} / p99 ${result.seal_ms_p99} ms; insert + fsync p50 ${result.write_ms_p50} / p99 ${result.write_ms_p99} ms`,
    `  plain (same bytes, no cipher, no seal, this thread)  p50 ${result.plain_ms_p50} ms, p99 ${result.plain_ms_p99} ms`,
    `  overhead vs plain  ${result.overhead_vs_plain}× [${mark(result.overhead_vs_plain, goals.overhead_vs_plain)} ≤ ${goals.overhead_vs_plain}]`,
    `  database open (raw key, ${COUNT} records)  ${result.db_open_ms} ms median, ${result.db_open_ms_max} ms max [${mark(result.db_open_ms, goals.db_open_ms)} ≤ ${goals.db_open_ms}]; whole vault start with development keys ${result.vault_open_ms} ms`,
    `  main loop stall  max ${result.main_loop_max_stall_ms} ms [${mark(result.main_loop_max_stall_ms, goals.main_loop_max_stall_ms)} ≤ ${goals.main_loop_max_stall_ms}], p99 ${result.main_loop_p99_stall_ms} ms; idle max ${result.main_loop_idle_max_stall_ms} ms`,
  ].join('\n'),
);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/vault.json'), `${JSON.stringify(result, null, 2)}\n`);
