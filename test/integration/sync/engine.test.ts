// What the sync engine does when retrying cannot help, or must wait: a
// wrong upstream (other keys, or acknowledgements signed by another key),
// an unregistered or revoked booth, an upstream that is down or asks to be
// left alone (Retry-After), a booth clock that is off; and a checkpoint
// that survives a restart. Real vault, real HTTP on 127.0.0.1, upstream on
// PGlite (the storage does not change any of this).
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { cbor } from '../../../src/core/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoothRegistry } from '../../../src/upstream/registry';
import { startFaultProxy, type Fault } from '../../support/faultProxy';
import { openSyncBooth, type SyncBooth } from '../../support/syncBooth';
import { startTestUpstream, testUpstreamKeys, upstreamRecords, type TestUpstream } from '../../support/upstream';

const opened: SyncBooth[] = [];
afterAll(async () => {
  for (const booth of opened) await booth.close();
});
async function booth(...args: Parameters<typeof openSyncBooth>) {
  const made = await openSyncBooth(...args);
  opened.push(made);
  return made;
}
const pendingOf = async (made: SyncBooth) => {
  const counts = await made.vault.writer!.call('counts', {});
  if (!counts.ok) throw new Error(counts.message);
  return counts.value;
};
const storedFor = async (upstream: TestUpstream, boothId: string) =>
  (await upstreamRecords(upstream.db)).filter((row) => row.boothId === boothId).length;

describe('sync engine', () => {
  let open: TestUpstream;
  let closed: TestUpstream;
  beforeAll(async () => {
    open = await startTestUpstream('pglite');
    closed = await startTestUpstream('pglite', { registration: 'closed' });
  }, 60_000);
  afterAll(async () => {
    await open?.close();
    await closed?.close();
  });

  it('sends nothing to an upstream with other keys, and says the booth is pointed at another upstream', async () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!;
    const made = await booth({ boothId: 'WRONG-UP-01', url: open.url, sync: { upstreamSigningKey: other } });
    await made.commitEnrollments(3);
    const status = await (await made.startSync()).syncNow();
    expect(status).toMatchObject({
      state: 'blocked',
      blocked: { code: 'WRONG_UPSTREAM', message: expect.stringMatching(/another upstream/) },
    });
    expect(await storedFor(open, 'WRONG-UP-01')).toBe(0);
    expect(await pendingOf(made)).toMatchObject({ pending: 3, acknowledged: 0 });
  });

  it('refuses acknowledgements signed by another key even when the upstream shows the right one, and keeps every record', async () => {
    // An upstream that announces the booth's expected key but signs with another (misconfigured, or not who it claims).
    const liar = await startTestUpstream('pglite', {
      keys: { ...testUpstreamKeys, signingKey: generateKeyPairSync('ed25519').privateKey },
    });
    try {
      const made = await booth({ boothId: 'LIAR-01', url: liar.url });
      await made.commitEnrollments(2);
      const status = await (await made.startSync()).syncNow();
      expect(status).toMatchObject({
        state: 'blocked',
        blocked: { code: 'WRONG_UPSTREAM', message: expect.stringMatching(/not signed by the configured upstream key/) },
      });
      // The upstream stored them, but the booth has no valid acknowledgement: it keeps them, pending.
      expect(await storedFor(liar, 'LIAR-01')).toBe(2);
      expect(await pendingOf(made)).toMatchObject({ pending: 2, acknowledged: 0, purged: 0 });
      const rows = await made.vault.writer!.call('rows', { state: 'pending' });
      expect(rows.ok && rows.value.every((row) => /BAD_SIGNATURE/.test(row.lastError ?? ''))).toBe(true);
    } finally {
      await liar.close();
    }
  });

  it('an unregistered booth is told how the operator registers it, and drains once registered; a revoked booth stops', async () => {
    const made = await booth({ boothId: 'NEW-BOOTH-01', url: closed.url });
    await made.commitEnrollments(2);
    const engine = await made.startSync();
    let status = await engine.syncNow();
    expect(status).toMatchObject({ state: 'blocked', blocked: { code: 'NOT_REGISTERED' } });
    const publicKey = made.vault.boothPublicKey!.export({ format: 'jwk' }).x!;
    expect(status.blocked!.message).toContain(`npm run upstream -- booth add NEW-BOOTH-01 ${publicKey}`);
    expect(await pendingOf(made)).toMatchObject({ pending: 2 });
    const registry = new BoothRegistry(closed.db);
    expect(await registry.register('NEW-BOOTH-01', publicKey, 'operator')).toEqual({ ok: true, created: true });
    status = await engine.syncNow();
    expect(status).toMatchObject({ state: 'idle', blocked: null, lastError: null });
    expect(await pendingOf(made)).toMatchObject({ pending: 0, acknowledged: 2 });
    await registry.revoke('NEW-BOOTH-01', 'taken out of service');
    await made.commitEnrollments(1);
    await new Promise((resolve) => setTimeout(resolve, 5_100)); // the registry's cache (5 s) on the upstream
    status = await engine.syncNow();
    expect(status).toMatchObject({
      state: 'blocked',
      blocked: { code: 'BOOTH_REVOKED', message: expect.stringContaining('taken out of service') },
    });
    expect(await pendingOf(made)).toMatchObject({ pending: 1, acknowledged: 2 });
  });

  it('a booth with nothing to send still makes itself known: its heartbeat registers it, or says it is not registered', async () => {
    const quiet = await booth({ boothId: 'QUIET-01', url: open.url });
    expect(await (await quiet.startSync()).syncNow()).toMatchObject({ state: 'idle', blocked: null, lastHeartbeatAt: expect.any(String) });
    const fleet = (await (await fetch(`${open.url}/v1/fleet`)).json()) as {
      booths: Array<{ boothId: string; heartbeat: { queue: { depth: number } } | null }>;
    };
    expect(fleet.booths.find((entry) => entry.boothId === 'QUIET-01')?.heartbeat?.queue.depth).toBe(0);
    const stranger = await booth({ boothId: 'QUIET-02', url: closed.url });
    const status = await (await stranger.startSync()).syncNow();
    expect(status).toMatchObject({
      state: 'blocked',
      blocked: { code: 'NOT_REGISTERED', message: expect.stringContaining('booth add QUIET-02') },
    });
  });

  it('does not send the same records again and again to an upstream that answers 200 but leaves them out', async () => {
    // A real HTTP server with this upstream's keys that answers every batch with no results (a broken or newer upstream).
    let batches = 0;
    const server = createServer((request, response) => {
      if (request.url === '/v1/health') {
        response.setHeader('content-type', 'application/json');
        return response.end(
          JSON.stringify({
            status: 'ok',
            serverTime: new Date().toISOString(),
            sealingKey: { id: testUpstreamKeys.sealingKeyId, publicKey: testUpstreamKeys.sealingPublicKey },
            signingKey: { publicKey: testUpstreamKeys.signingPublicKey },
          }),
        );
      }
      request.resume();
      request.on('end', () => {
        if (request.url === '/v1/records') batches++;
        response.setHeader('content-type', 'application/cbor');
        response.end(Buffer.from(cbor.encode({ results: [], serverTime: new Date().toISOString() })));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const made = await booth({ boothId: 'LEFT-OUT-01', url: `http://127.0.0.1:${(server.address() as { port: number }).port}` });
      await made.commitEnrollments(3);
      const status = await (await made.startSync()).syncNow();
      expect(batches).toBe(1);
      expect(status).toMatchObject({ lastError: { code: 'RECORDS_NOT_ACKNOWLEDGED', message: expect.stringMatching(/3 of 3 records/) } });
      expect(await pendingOf(made)).toMatchObject({ pending: 3, acknowledged: 0 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('backs off while the upstream is down, keeps the wait across a restart, and honours Retry-After', async () => {
    let answer: Fault = { kind: 'status', status: 503, retryAfter: '3' };
    const proxy = await startFaultProxy({
      target: open.url,
      plan: (request) => (request.path === '/v1/health' ? { kind: 'pass' } : answer),
    });
    try {
      const made = await booth({ boothId: 'BACKOFF-01', url: proxy.url, sync: { backoff: { baseMs: 200, capMs: 1_000 } } });
      await made.commitEnrollments(2);
      let engine = await made.startSync();
      let status = await engine.syncNow();
      // 503 with Retry-After: 3 s, longer than the 1 s cap: the upstream's word wins.
      expect(status).toMatchObject({ state: 'backing-off', consecutiveFailures: 1, lastError: { code: 'HTTP_503' } });
      expect(status.nextAttemptAt! - Date.now()).toBeGreaterThan(2_000);
      expect(await pendingOf(made)).toMatchObject({ pending: 2, sending: 0 });
      // Down altogether: the failures count up, each wait within the cap.
      await proxy.close();
      status = await engine.syncNow();
      expect(status).toMatchObject({ state: 'offline', consecutiveFailures: 2, lastError: { code: 'OFFLINE' } });
      expect(status.nextAttemptAt! - Date.now()).toBeLessThanOrEqual(1_000);
      // A restart resumes from the checkpoint kept in the vault.
      await engine.stop();
      engine = await made.startSync();
      expect(await engine.status()).toMatchObject({
        consecutiveFailures: 2,
        lastError: { code: 'OFFLINE' },
        nextAttemptAt: status.nextAttemptAt,
      });
      await engine.stop();
      answer = { kind: 'pass' };
    } finally {
      await proxy.close();
    }
  });

  it("works with a booth clock 10 minutes slow: signs with the upstream's time, and reports the offset in its heartbeat", async () => {
    const made = await booth({ boothId: 'SLOW-CLOCK-01', url: open.url });
    await made.commitEnrollments(2);
    const status = await (await made.startSync({ clock: () => Date.now() - 600_000 })).syncNow();
    expect(status).toMatchObject({ state: 'idle', lastError: null });
    expect(Math.abs(status.clockOffsetMs! - 600_000)).toBeLessThan(5_000);
    expect(await storedFor(open, 'SLOW-CLOCK-01')).toBe(2);
    const fleet = (await (await fetch(`${open.url}/v1/fleet`)).json()) as {
      booths: Array<{ boothId: string; flags: string[]; heartbeat: { queue: { depth: number }; sync: { clockOffsetMs: number } } }>;
    };
    const seen = fleet.booths.find((entry) => entry.boothId === 'SLOW-CLOCK-01')!;
    expect(seen.heartbeat.queue.depth).toBe(0);
    expect(Math.abs(seen.heartbeat.sync.clockOffsetMs - 600_000)).toBeLessThan(5_000);
    expect(seen.flags).toContain('clock-off');
  });
});
