// The sync as the composition root starts it: configuration, the opened
// vault, and what the heartbeat tells of the booth (free disk, software and
// model versions, the face matcher's self-test).
import type { BoothConfig } from '../config';
import type { Logger } from '../logging';
import type { Vault } from '../vault';
import { createSyncEngine, type HeartbeatFacts, type SyncEngine } from './engine';

export interface SyncFromBoothOptions {
  config: BoothConfig;
  vault: Vault;
  /** The vault's upstream key (records are sealed to it) and retention. */
  sealingKey: { id: string; publicKey: string };
  retentionMs: number;
  version: string;
  logger: Logger;
  facts: () => Promise<HeartbeatFacts>;
}

/** The engine, or null when the booth does not sync (no upstream configured, or a vault that did not open) with the reason logged. */
export async function startSyncFromBooth(options: SyncFromBoothOptions): Promise<SyncEngine | null> {
  const { config, vault, logger } = options;
  const url = config.sync.upstreamUrl;
  if (url === null) {
    logger.info({ event: 'sync.disabled' }, 'sync.upstreamUrl is null: enrollments stay in the vault until exported');
    return null;
  }
  if (!vault.writer || !vault.requestSigningKey) {
    logger.error({ event: 'sync.no_vault' }, 'the vault is unavailable, so nothing is synced');
    return null;
  }
  const engine = await createSyncEngine({
    writer: vault.writer,
    boothId: config.booth.id,
    signingKey: vault.requestSigningKey,
    upstreamUrl: url,
    upstreamSigningKey: config.sync.upstreamSigningKey,
    sealingKey: options.sealingKey,
    batchSize: config.sync.batchSize,
    backoff: config.sync.backoff,
    heartbeatMs: config.sync.heartbeatSeconds * 1000,
    requestTimeoutMs: config.sync.requestTimeoutMs,
    retentionMs: options.retentionMs,
    register: config.sync.register,
    softwareVersion: options.version,
    facts: options.facts,
    logger,
  });
  vault.onCommitted(() => engine.nudge());
  logger.info({ event: 'sync.started', upstreamUrl: url }, `syncing enrollments to ${url}`);
  return engine;
}
