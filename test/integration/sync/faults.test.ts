// Exactly once through a hostile network and a booth killed mid-batch: a
// fault-injecting proxy between booth and upstream drops connections,
// delays, resets mid-body, answers 500/503/429 with Retry-After, truncates,
// loses or duplicates answers; the booth is killed with SIGKILL while a
// batch is on the wire, round after round. At the end the upstream holds
// every record exactly once, byte-identical after decryption, and the
// booth has purged only what the upstream acknowledged. Against the
// embedded PGlite and a real PostgreSQL server.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cbor } from '../../../src/core/vault';
import { seededRandom } from '../../support/seededRandom';
import { seededFaultPlan, startFaultProxy, type Fault, type FaultProxy } from '../../support/faultProxy';
import { openSyncBooth } from '../../support/syncBooth';
import {
  startTestUpstream,
  testSyncConfig,
  testUpstreamKeys,
  upstreamRecords,
  upstreamStorages,
  type TestUpstream,
} from '../../support/upstream';
import { openRecordContent, sharedTestUpstream, testVaultAcknowledgements, testVaultConfig } from '../../support/vault';
import { checkAcknowledgement } from '../../../src/core/sync';
import { createPublicKey } from 'node:crypto';

const KILL_ROUNDS = 8;
const COMMITS_PER_ROUND = 6;
const child = resolve(import.meta.dirname, '../../support/syncChild.ts');

const faultWeights = {
  pass: 5,
  delay: 1,
  refuse: 1,
  'reset-mid-request': 1,
  status: 2,
  'lose-response': 2,
  'reset-mid-response': 1,
  'truncate-response': 1,
  'status-after-forward': 1,
  duplicate: 1,
} as const;

describe.each(upstreamStorages)('sync through faults and kills, upstream on %s', (storage) => {
  let upstream: TestUpstream;
  let proxy: FaultProxy;
  let mode: 'faults' | 'pass' = 'faults';
  let onRequest: (() => void) | null = null;
  const faults = seededFaultPlan(storage === 'pglite' ? 14 : 41, faultWeights, { delayMs: 150, retryAfter: '1' });
  beforeAll(async () => {
    upstream = await startTestUpstream(storage);
    proxy = await startFaultProxy({
      target: upstream.url,
      plan: (request) => {
        onRequest?.();
        // The health probe passes; the work requests meet the faults.
        if (mode === 'pass' || request.path === '/v1/health') return { kind: 'pass' } as Fault;
        return faults(request);
      },
    });
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await upstream?.close();
  });

  it('stores every record exactly once, byte-identical, and the booth purges only what was acknowledged', async () => {
    const boothId = `FAULTS-${storage.toUpperCase()}`;
    // Retention 0: a record is purged at the next start after its acknowledgement, so purging is exercised too.
    const vault = testVaultConfig({ retentionDays: 0 });
    const sync = testSyncConfig(proxy.url, { batchSize: 4, backoff: { baseMs: 100, capMs: 1_000 }, requestTimeoutMs: 3_000 });
    const sealedById = new Map<string, Buffer>();
    const upstreamPublicKey = createPublicKey(testUpstreamKeys.signingKey);
    const checkPurgedOnlyAcknowledged = async () => {
      let purged = 0;
      for (const [id, { state, acknowledgement, sealed }] of await testVaultAcknowledgements(vault.dir!)) {
        if (sealed) sealedById.set(id, sealed);
        expect(sealed === null, `record ${id}: its bytes are gone exactly when it is purged`).toBe(state === 'purged');
        if (state === 'acknowledged' || state === 'purged') {
          expect(acknowledgement, `record ${id} keeps its acknowledgement`).not.toBeNull();
          const check = checkAcknowledgement(acknowledgement!, { recordId: id, boothId, sealed: sealedById.get(id)!, upstreamPublicKey });
          expect(check.ok, `record ${id}: ${check.ok ? '' : check.message}`).toBe(true);
        }
        if (state === 'purged') purged++;
      }
      return { purged };
    };
    const random = seededRandom(storage === 'pglite' ? 7 : 70);
    const kills: number[] = [];
    for (let round = 0; round < KILL_ROUNDS; round++) {
      const run = spawn(process.execPath, ['--import', 'tsx', child], {
        env: {
          ...process.env,
          SYNC_CHILD: JSON.stringify({ boothId, url: proxy.url, vault, sync, commits: COMMITS_PER_ROUND, firstSeed: round * 100 + 1 }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      run.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      run.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((done) => run.once('exit', (code) => done(code)));
      // Killed a moment after its nth work request reached the proxy: mid-batch, with the answer lost or on its way.
      const killAt = 1 + Math.floor(random() * 4);
      let seen = 0;
      onRequest = () => {
        if (++seen === killAt) setTimeout(() => run.kill('SIGKILL'), Math.floor(random() * 40));
      };
      const code = await Promise.race([exited, new Promise<'stuck'>((done) => setTimeout(() => done('stuck'), 60_000))]);
      onRequest = null;
      if (code === 'stuck') {
        run.kill('SIGKILL');
        await exited;
      }
      expect(code, `round ${round}: ${output}`).not.toBe('stuck');
      kills.push(code === null ? 1 : 0);
      await checkPurgedOnlyAcknowledged();
    }
    // Most rounds ended in a kill (a round whose queue drained before its nth request ends by itself).
    expect(kills.filter((killed) => killed === 1).length).toBeGreaterThanOrEqual(KILL_ROUNDS / 2);

    // Then the network heals and the booth starts again: everything drains.
    mode = 'pass';
    const booth = await openSyncBooth({ boothId, url: proxy.url, vault, sync });
    try {
      const engine = await booth.startSync();
      for (let pass = 0; pass < 20; pass++) {
        await engine.syncNow();
        const counts = await booth.vault.writer!.call('counts', {});
        if (counts.ok && counts.value.pending + counts.value.sending === 0) break;
      }
      expect(await engine.status()).toMatchObject({ state: 'idle', blocked: null });
    } finally {
      await booth.close();
    }
    await checkPurgedOnlyAcknowledged();
    expect(Object.values(proxy.faultsApplied).reduce((sum, n) => sum + n, 0)).toBeGreaterThan(10);

    const stored = (await upstreamRecords(upstream.db)).filter((row) => row.boothId === boothId);
    const held = await testVaultAcknowledgements(vault.dir!);
    // Every record the booth ever made is stored upstream exactly once: the primary key forbids a second row, and the
    // count shows none is missing.
    expect(held.size).toBe(KILL_ROUNDS * COMMITS_PER_ROUND);
    expect(stored.map((row) => row.id).sort()).toEqual([...held.keys()].sort());
    const intake = await upstream.db.query<{ n: number }>("SELECT count(*)::int AS n FROM intake WHERE booth_id = $1 AND state = 'done'", [
      boothId,
    ]);
    expect(intake[0]!.n).toBe(held.size);
    // Byte-identical after decryption: the upstream's content is the plaintext sealed in the booth's bytes.
    const byId = new Map(stored.map((row) => [row.id, row.content]));
    expect(sealedById.size).toBe(held.size);
    for (const [id, sealed] of sealedById) {
      const content = await openRecordContent(cbor.decode(sealed), sharedTestUpstream);
      expect(Buffer.from(cbor.encode(content)).equals(byId.get(id)!), `record ${id}`).toBe(true);
    }
    // Purged only when acknowledged: every row without its sealed bytes holds a valid acknowledgement of them.
    // Purged only when acknowledged (checked after every round, and once more after a last start that purges what is due):
    // a row without its sealed bytes is 'purged' and holds the upstream's valid acknowledgement of them.
    await checkPurgedOnlyAcknowledged();
    const last = await openSyncBooth({ boothId, url: null, vault, sync });
    expect(await last.vault.purgeNow()).toMatchObject({ ok: true });
    await last.close();
    const final = await checkPurgedOnlyAcknowledged();
    expect(final.purged).toBe(held.size);
  }, 300_000);
});
