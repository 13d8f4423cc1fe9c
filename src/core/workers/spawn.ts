// Starts the thread of one worker module. In the built booth the entry is
// the .js file the build emitted for it (scripts/nodeWorkers.ts rewrites
// `new URL('./name.worker.ts', import.meta.url)` to that file). Run from
// source (vitest, a tsx script) the entry is the .ts file itself, which
// Node 20 cannot load: the thread then registers tsx's loader first, so the
// module and everything it imports load as they do in the parent. tsx is a
// dev dependency; the built booth never reaches that branch.
import { Worker, type ResourceLimits } from 'node:worker_threads';

export interface SpawnOptions {
  /** The thread's name (shown in inspectors and heap snapshots). */
  name: string;
  resourceLimits?: ResourceLimits;
  /** Read inside the worker as `workerData` from node:worker_threads. */
  workerData?: unknown;
}

/** True for an entry that is TypeScript source (tests, scripts run with tsx), false for a built .js/.mjs file. */
export function isSourceEntry(entry: URL): boolean {
  return /\.[cm]?ts$/.test(entry.pathname);
}

/**
 * The thread for `entry`. Failing to load the module is not thrown here:
 * the Worker emits 'error' and 'exit' as for any crash, and the client
 * counts it against the restart budget.
 */
export function spawnWorker(entry: URL, { name, resourceLimits, workerData }: SpawnOptions): Worker {
  const options = { name, resourceLimits, workerData };
  if (!isSourceEntry(entry)) return new Worker(entry, options);
  // Resolved here, in the parent (ESM conditions: tsx's CommonJS API fails to register from an eval'd thread).
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
