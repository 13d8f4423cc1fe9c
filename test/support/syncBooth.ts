// A test booth's vault and sync engine without the rest of the booth: the
// real encrypted vault (its writer thread), real records of realistic size
// committed through it, and the real sync engine talking HTTP to a test
// upstream. What the sync tests and the sync bench start.
import { parseConfig, type BoothConfig, type BoothConfigInput } from '../../src/core/config';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from '../../src/core/sync';
import { openVault, vaultSetup, type Vault } from '../../src/core/vault';
import { memoryLogger } from './memoryLog';
import { testSyncConfig } from './upstream';
import { sampleEnrollment, testVaultConfig } from './vault';

export interface SyncBooth {
  config: BoothConfig;
  vault: Vault;
  log: () => string;
  /** Commits `count` sample enrollments (seeds from `firstSeed`); answers their ids in order. */
  commitEnrollments(count: number, firstSeed?: number): Promise<string[]>;
  /** A sync engine for this vault (stopped by close()); options override the configuration's. */
  startSync(options?: Partial<SyncEngineOptions>): Promise<SyncEngine>;
  close(): Promise<void>;
}

export async function openSyncBooth(input: {
  boothId?: string;
  url: string | null;
  vault?: BoothConfigInput['vault'];
  sync?: BoothConfigInput['sync'];
}): Promise<SyncBooth> {
  const config = parseConfig({
    booth: { id: input.boothId ?? 'BOOTH-TEST-01' },
    vault: input.vault ?? testVaultConfig(),
    sync: testSyncConfig(input.url, input.sync),
  });
  const setup = vaultSetup(config.vault);
  if ('problem' in setup) throw new Error(setup.problem);
  const { logger, text } = memoryLogger();
  const vault = await openVault({ ...setup, boothId: config.booth.id, logger });
  if (!vault.writer || !vault.requestSigningKey) throw new Error('the test vault did not open');
  const engines: SyncEngine[] = [];
  let seed = 1;
  return {
    config,
    vault,
    log: text,
    async commitEnrollments(count, firstSeed = seed) {
      const ids: string[] = [];
      for (let index = 0; index < count; index++) {
        const { content } = sampleEnrollment(firstSeed + index);
        const committed = await vault.commit({
          kind: 'enrollment',
          about: null,
          nik: content.citizen.nik,
          content: (id) => ({ ...content, enrollmentId: id, boothId: config.booth.id }),
        });
        if (!committed.ok) throw new Error(`commit failed: ${committed.message}`);
        ids.push(committed.id);
      }
      seed = firstSeed + count;
      return ids;
    },
    async startSync(options = {}) {
      const engine = await createSyncEngine({
        writer: vault.writer!,
        boothId: config.booth.id,
        signingKey: vault.requestSigningKey!,
        upstreamUrl: config.sync.upstreamUrl ?? 'http://127.0.0.1:9',
        upstreamSigningKey: config.sync.upstreamSigningKey,
        sealingKey: { id: config.vault.upstreamKey.id, publicKey: config.vault.upstreamKey.publicKey },
        batchSize: config.sync.batchSize,
        backoff: config.sync.backoff,
        heartbeatMs: config.sync.heartbeatSeconds * 1000,
        requestTimeoutMs: config.sync.requestTimeoutMs,
        retentionMs: config.vault.retentionDays * 86_400_000,
        register: config.sync.register,
        softwareVersion: '0.1.0-test',
        facts: async () => ({
          disk: { freeBytes: 50e9 },
          software: { version: '0.1.0-test', models: { 'face_embedding.onnx': 'abcdef012345' } },
          selfTest: { state: 'passed', detail: null },
        }),
        logger,
        ...options,
      });
      engines.push(engine);
      return engine;
    },
    async close() {
      for (const engine of engines) await engine.stop();
      await vault.stop();
    },
  };
}
