// Crash safety with real kills: a child commits enrollments in a loop and
// prints each id once its commit returned; the test SIGKILLs it at a
// random moment, 200 times. After each kill the database is reopened:
// integrity_check is ok, every acknowledged commit is there and intact
// (its signature holds and its content opens with the upstream key), and
// no enrollment is stored twice.
import { spawn } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSealedRecord, ed25519FromSeed, nikHmac, openVaultDatabase, VaultStore } from '../../../src/core/vault';
import { seededRandom } from '../../support/seededRandom';
import { COMMIT_LOOP_MAX, openRecordContent, sampleNik, testUpstream } from '../../support/vault';

const KILLS = 200;
const root = resolve(import.meta.dirname, '../../..');
const work = mkdtempSync(join(tmpdir(), 'booth-crash-'));
// Inside the repository, so the child's bare imports (the native SQLite module) resolve from node_modules.
const bundleDir = join(root, 'node_modules/.cache/booth-tests');
const bundle = join(bundleDir, `vaultCommitLoop-${process.pid}.mjs`);
const upstream = testUpstream('crash-test');
const dbKey = Buffer.alloc(32, 0x42);
const signingSeed = Buffer.alloc(32, 0x24);
const boothPublic = createPublicKey(ed25519FromSeed(signingSeed));

beforeAll(async () => {
  mkdirSync(bundleDir, { recursive: true });
  // Bundled once, so each of the 200 starts costs a plain node start, not a TypeScript loader's.
  await build({
    entryPoints: [join(root, 'test/support/vaultCommitLoop.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: bundle,
    external: ['better-sqlite3-multiple-ciphers', 'cbor-x', '@hpke/core'],
    logLevel: 'error',
  });
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(bundle, { force: true });
});

interface Round {
  acked: Array<{ id: string; seed: number }>;
  stderr: string;
  code: number | null;
  signal: string | null;
}

/** One child: started, killed `killAfterMs` after it says ready (or left to finish if it exits first). */
function runChild(run: number, dbPath: string, killAfterMs: number): Promise<Round> {
  return new Promise((resolveRound, reject) => {
    const child = spawn(process.execPath, [bundle], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        CRASH_RUN: String(run),
        VAULT_DB: dbPath,
        VAULT_KEY_HEX: dbKey.toString('hex'),
        SIGNING_SEED_HEX: signingSeed.toString('hex'),
        UPSTREAM_PUBLIC_B64: Buffer.from(upstream.key.publicKey).toString('base64'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const round: Round = { acked: [], stderr: '', code: null, signal: null };
    let buffered = '';
    let timer: NodeJS.Timeout | undefined;
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        const ack = /^ack (\S+) (\d+)$/.exec(line);
        if (ack) round.acked.push({ id: ack[1]!, seed: Number(ack[2]) });
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (round.stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(guard);
      round.code = code;
      round.signal = signal;
      resolveRound(round);
    });
  });
}

describe('vault crash safety', () => {
  it(`keeps every acknowledged commit through ${KILLS} SIGKILLs, intact and never twice`, { timeout: 600_000 }, async () => {
    const dbPath = join(work, 'vault.db');
    const random = seededRandom(20261201);
    const acknowledged = new Map<string, number>();
    const seenSeeds = new Set<number>();
    const seenIds = new Set<string>();
    let unacknowledgedButStored = 0;
    let killedMidLoop = 0;
    // The child's NIK hash of each seed it may use (nikKey 0x11…, as in vaultCommitLoop.ts).
    const seedOfHash = new Map<string, number>();
    for (let run = 1; run <= KILLS; run++) {
      for (let seq = 0; seq < COMMIT_LOOP_MAX; seq++) {
        const seed = run * 100_000 + seq;
        seedOfHash.set(nikHmac(Buffer.alloc(32, 0x11), sampleNik(seed)).toString('hex'), seed);
      }
      const round = await runChild(run, dbPath, Math.floor(random() * 100));
      expect(round.stderr, `run ${run}`).toBe('');
      if (round.signal === 'SIGKILL') killedMidLoop++;
      for (const { id, seed } of round.acked) acknowledged.set(id, seed);

      const opened = openVaultDatabase(dbPath, dbKey);
      expect(opened.ok, `reopen after run ${run}`).toBe(true);
      if (!opened.ok) return;
      const store = new VaultStore(opened.db);
      try {
        expect(store.integrity(), `integrity after run ${run}`).toEqual(['ok']);
        const rows = store.rows({ limit: 1_000_000 });
        expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
        const present = new Set(rows.map((r) => r.id));
        for (const id of acknowledged.keys()) expect(present.has(id), `acknowledged ${id} missing after run ${run}`).toBe(true);
        // Every record new since the last round: signed over all its bytes, the enrollment of a seed of this run (its NIK's
        // keyed hash says which), and only once. The last one of each round is also opened with the upstream key.
        const hashes = new Map(
          (opened.db.prepare('SELECT id, nik_hmac FROM records').all() as Array<{ id: string; nik_hmac: Buffer }>).map((r) => [
            r.id,
            r.nik_hmac.toString('hex'),
          ]),
        );
        let newest: string | null = null;
        for (const row of rows) {
          if (seenIds.has(row.id)) continue;
          seenIds.add(row.id);
          newest = row.id;
          expect(row.state).toBe('pending');
          const checked = checkSealedRecord(store.sealed(row.id)!, boothPublic);
          expect(checked.ok, `record ${row.id}`).toBe(true);
          const seed = seedOfHash.get(hashes.get(row.id)!);
          expect(seed, `record ${row.id} is no enrollment of run ${run}`).toBeDefined();
          expect(Math.floor(seed! / 100_000)).toBe(run);
          expect(seenSeeds.has(seed!), `seed ${seed} stored twice`).toBe(false);
          seenSeeds.add(seed!);
          if (acknowledged.has(row.id)) expect(acknowledged.get(row.id)).toBe(seed);
          else unacknowledgedButStored++;
        }
        if (newest) {
          const checked = checkSealedRecord(store.sealed(newest)!, boothPublic);
          if (!checked.ok) throw new Error(checked.message);
          const content = (await openRecordContent(checked.record, upstream)) as { enrollmentId: string; citizen: { name: string } };
          expect(content.enrollmentId).toBe(newest);
          expect(content.citizen.name).toMatch(new RegExp(`NOMOR ${seedOfHash.get(hashes.get(newest)!)} `));
        }
      } finally {
        opened.db.close();
      }
    }
    console.log(
      `vault crash test: ${KILLS} runs, ${killedMidLoop} killed by SIGKILL, ${acknowledged.size} acknowledged commits all present, ` +
        `${unacknowledgedButStored} more stored but killed before their ack was printed, ${seenIds.size} records in all`,
    );
    expect(killedMidLoop).toBeGreaterThan(KILLS * 0.9);
    expect(acknowledged.size).toBeGreaterThan(KILLS);
  });
});
