// Starts the real booth (core + headless host) in this process on a free
// loopback port, with its logs captured in memory for assertions.
import { resolve } from 'node:path';
import { composeBooth, type ComposedBooth } from '../../src/core/booth/compose';
import type { BoothConfigInput } from '../../src/core/config';
import { startHost, type HostOptions, type RunningHost } from '../../src/host/server';
import { inProcessCore } from '../../src/core/process';
import { memoryLog } from './memoryLog';
import { testBoothConfig } from './vault';

export interface TestBooth extends ComposedBooth {
  host: RunningHost;
  /** Every log line written so far, as raw JSON text. */
  logText(): string;
  close(): Promise<void>;
}

export const rendererDir = resolve(import.meta.dirname, '../../out/renderer');

/** Host timings a test may shorten (the defaults are seconds). */
export type HostTimings = Pick<HostOptions, 'heartbeatMs' | 'handshakeTimeoutMs' | 'ownerGraceMs' | 'incompleteMessageMs'>;

export async function startTestBooth(config: BoothConfigInput = {}, timings: HostTimings = {}): Promise<TestBooth> {
  const log = memoryLog();
  const composed = await composeBooth({
    config: testBoothConfig(config),
    version: '0.0.0-test',
    logDestination: log.destination,
    rendererDir,
  });
  const host = await startHost({
    core: inProcessCore(composed.booth),
    logger: composed.logger,
    rendererDir,
    port: 0,
    bind: '127.0.0.1',
    ...timings,
  });
  return {
    ...composed,
    host,
    logText: log.text,
    close: async () => {
      await composed.booth.dispose();
      await host.close();
    },
  };
}
