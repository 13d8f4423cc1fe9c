// The sync in the citizen's journey, with the whole booth (the real matcher,
// the vault, the contract): a matched enrollment reaches the upstream in the
// background, and a cancellation after it follows; an upstream that hangs
// never holds the citizen back, and the record waits safely in the vault.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enrollmentContentSchema } from '../../../src/shared/upstream/enrollment';
import { cbor } from '../../../src/core/vault';
import { testIdentities } from '../../../src/core/card/emulator/identities';
import { startFaultProxy, type FaultProxy } from '../../support/faultProxy';
import { boothAtFaceStep, captureVideoFace } from '../../support/faceJourney';
import { startTestUpstream, testSyncConfig, upstreamRecords, type TestUpstream } from '../../support/upstream';
import { readTestVault } from '../../support/vault';

const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
});

describe('sync in the journey', () => {
  let upstream: TestUpstream;
  let hanging: FaultProxy;
  beforeAll(async () => {
    upstream = await startTestUpstream('pglite');
    // Every request waits 20 s before it reaches the upstream: a network that has stopped answering.
    hanging = await startFaultProxy({ target: upstream.url, plan: () => ({ kind: 'delay', ms: 20_000 }) });
  }, 60_000);
  afterAll(async () => {
    await hanging?.close();
    await upstream?.close();
  });

  it('sends the saved enrollment upstream in the background, then the citizen’s cancellation about it', async () => {
    const { client, booth, config } = await boothAtFaceStep(
      3,
      { booth: { id: 'JOURNEY-SYNC-01' }, sync: testSyncConfig(upstream.url) },
      opened,
    );
    await captureVideoFace(client);
    expect(await client.face.verify()).toMatchObject({ ok: true, value: { step: 'signoff' } });
    await expect
      .poll(async () => (await upstreamRecords(upstream.db)).filter((row) => row.boothId === 'JOURNEY-SYNC-01').length, { timeout: 15_000 })
      .toBe(1);
    const [stored] = (await upstreamRecords(upstream.db)).filter((row) => row.boothId === 'JOURNEY-SYNC-01');
    const content = enrollmentContentSchema.parse(cbor.decode(stored!.content));
    expect(content.citizen.nik).toBe(testIdentities[3]!.nik);
    expect(content.enrollmentId).toBe(stored!.id);
    // The citizen cancels: the cancellation record follows the enrollment upstream.
    expect(await client.session.wipe({ reason: 'cancel' })).toMatchObject({ ok: true });
    await expect
      .poll(async () => (await upstreamRecords(upstream.db)).filter((row) => row.boothId === 'JOURNEY-SYNC-01').map((row) => row.kind), {
        timeout: 15_000,
      })
      .toEqual(['enrollment', 'cancellation']);
    await expect
      .poll(async () => (await readTestVault(config.vault.dir)).map((entry) => entry.row.state), { timeout: 10_000 })
      .toEqual(['acknowledged', 'acknowledged']);
    const status = await (await booth.sync)!.status();
    expect(status).toMatchObject({ state: 'idle', lastError: null });
  });

  it('never holds the citizen back when the upstream hangs: the save answers at once and the record waits in the vault', async () => {
    const { client, booth, config } = await boothAtFaceStep(
      3,
      { booth: { id: 'JOURNEY-HANG-01' }, sync: testSyncConfig(hanging.url, { requestTimeoutMs: 30_000 }) },
      opened,
    );
    await captureVideoFace(client);
    expect(await client.face.verify()).toMatchObject({ ok: true, value: { step: 'signoff' } });
    // The answer came while the booth's requests to the upstream were still held by the network.
    expect((await upstreamRecords(upstream.db)).filter((row) => row.boothId === 'JOURNEY-HANG-01')).toHaveLength(0);
    const [entry] = await readTestVault(config.vault.dir);
    expect(['pending', 'sending']).toContain(entry!.row.state);
    // Meanwhile the sync is at work, its request held by the network.
    expect(hanging.requests).toBeGreaterThan(0);
    expect((await (await booth.sync)!.status()).state).toBe('syncing');
    await (await booth.sync)?.stop();
  });
});
