// Worker threads for the core: heavy or crash-prone work (face-match
// inference with onnxruntime-node, the single vault writer owning SQLite)
// runs in a worker_threads Worker behind a typed request/answer channel.
// Every call answers a value; a crashed worker is restarted within a budget.
//
// Adding a worker to a capability:
//  1. Declare its API once, as a type both sides import:
//       export interface FaceMatchApi { match(params: { probe: Uint8Array }): { score: number } }
//  2. Write the module as `<name>.worker.ts` beside the capability's code. It
//     loads what it needs at the top level, then serves:
//       serveWorker<FaceMatchApi>({ match: async ({ probe }) => ({ score: await run(probe) }) }, { close })
//     (return `withTransfer(value, [buffer])` to move a result's buffers back).
//  3. Create the client where the capability is created, naming the module
//     with exactly this expression (a string literal ending in .worker.ts):
//       createWorkerClient<FaceMatchApi>({ name: 'face-match', entry: new URL('./faceMatch.worker.ts', import.meta.url), timeoutMs })
//     and stop() it when the booth stops.
// The build (scripts/nodeWorkers.ts, in vite.host.config.ts and Electron
// main) finds that expression, emits the module and what it imports as its
// own file, out/workers/<name>.worker.js (out/main/workers/ for Electron),
// and rewrites the URL to point there, so nothing else needs registering; a
// `.worker.ts` reference in any other form fails the build. Run from source
// (vitest, tsx) the .ts module is loaded through tsx's loader (spawn.ts).
export {
  createWorkerClient,
  type CallOptions,
  type WorkerClient,
  type WorkerClientOptions,
  type WorkerClientState,
  type WorkerNoticeEvent,
} from './client';
export {
  withTransfer,
  workerFailureReasons,
  type MethodOf,
  type ParamsOf,
  type ResultOf,
  type Transferring,
  type WorkerApi,
  type WorkerCallResult,
  type WorkerFailure,
  type WorkerFailureReason,
} from './protocol';
export { DEFAULT_RESTART_BUDGET, createRestartBudget, type RestartBudget, type RestartBudgetOptions } from './restartBudget';
export { serveWorker, type ServeOptions, type WorkerHandlers } from './serve';
