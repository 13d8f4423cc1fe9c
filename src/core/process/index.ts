// The core in a process of its own: the entry (main.ts, built to
// out/core/index.js, which alone loads runCore.ts and so the rest of the
// core), the channel, and the shell's supervisor.
export { forkCore, parentChannel, type ForkOptions, type ParentChannel, type SpawnedCore } from './channel';
export { inProcessCore, type BoothCore } from './core';
export { coreStartSchema, fromCoreSchema, toCoreSchema, type CoreStart, type FromCore, type ToCore } from './protocol';
export {
  CoreStartError,
  DEFAULT_RESTART_BUDGET,
  startCore,
  superviseCore,
  type CoreState,
  type RestartBudget,
  type SupervisedCore,
  type SuperviseOptions,
} from './supervisor';
