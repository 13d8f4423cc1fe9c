// The contract client wired straight to a real core through the real
// dispatcher, with no socket in between: for tests of the renderer's store
// and of the client's own checks.
import { composeBooth, type ComposeOptions, type ComposedBooth } from '../../src/core/booth/compose';
import type { BoothConfigInput } from '../../src/core/config';
import type { VerifiedModels } from '../../src/core/face/models';
import { createBoothClient, type BoothClient, type ContractTransport } from '../../src/shared/contract/client';
import { createDispatcher } from '../../src/shared/contract/dispatch';
import { memoryLog } from './memoryLog';
import { testVaultConfig } from './vault';

export type InProcessBooth = ComposedBooth & { client: BoothClient; transport: ContractTransport; logs: string[] };

export async function inProcessBooth(
  config: BoothConfigInput = {},
  faceModels?: VerifiedModels,
  hooks: Pick<ComposeOptions, 'officerCalls' | 'coreModelsDir' | 'faceMatcher'> = {},
): Promise<InProcessBooth> {
  const { lines: logs, destination } = memoryLog();
  // No card reader unless a test asks for one: these tests never reach a real channel.
  const composed = await composeBooth({
    config: {
      logging: { level: 'debug' },
      devices: { card: { driver: 'none' } },
      ...config,
      vault: testVaultConfig(config.vault),
      // A test booth syncs only when its test says where to (never to the demo upstream's port).
      sync: config.sync ?? { upstreamUrl: null },
    },
    version: '0.0.0-test',
    logDestination: destination,
    faceModels,
    ...hooks,
  });
  const dispatch = createDispatcher(composed.booth.handlers);
  let id = 0;
  const transport: ContractTransport = {
    call: async (method, params) => (await dispatch({ type: 'call', id: id++, method, params })).result,
    subscribe: (listener) => composed.booth.events.subscribe((event, payload) => listener(event, payload)),
  };
  return { ...composed, client: createBoothClient(transport), transport, logs };
}
