// The core's side of a worker: one worker_threads Worker running one module,
// typed calls to it, and what happens when it misbehaves. Every call answers
// once, as a value: the worker's result, or a failure whose reason says what
// went wrong (see WorkerFailureReason). Calls leave a FIFO queue for the
// worker as slots free up: one at a time (the single vault writer), or a few
// (inference). A worker that dies fails the calls it held with
// WORKER_CRASHED and is started again at once, within a restart budget; the
// calls still queued go to the new worker. Past the budget the client
// answers UNAVAILABLE until it is stopped.
import type { ResourceLimits, Transferable, Worker } from 'node:worker_threads';
import {
  isAnswerMessage,
  messageOf,
  type CallMessage,
  type MethodOf,
  type ParamsOf,
  type ResultOf,
  type WorkerApi,
  type WorkerCallResult,
  type WorkerFailureReason,
} from './protocol';
import { createRestartBudget, DEFAULT_RESTART_BUDGET, type RestartBudgetOptions } from './restartBudget';
import { spawnWorker } from './spawn';

export interface WorkerClientOptions {
  /** Names the worker in messages, notices and the thread's name, e.g. 'face-match'. */
  name: string;
  /** The worker module: `new URL('./name.worker.ts', import.meta.url)`, in exactly that form (the build looks for it). */
  entry: URL;
  /** How long a call may take, queue time included, unless the call says otherwise. */
  timeoutMs: number;
  /** Calls the worker holds at once. 1 (the default) runs calls one at a time in FIFO order. */
  concurrency?: number;
  /** Calls that may wait for a slot; one more answers QUEUE_FULL. Default 64. */
  maxQueued?: number;
  /** Restarts allowed per window after crashes (and hung calls). Default 3 per minute. */
  restartBudget?: RestartBudgetOptions;
  /**
   * A call that times out while the worker holds it restarts the worker (the default: it may be stuck for good), or
   * only frees its caller (false: its slot stays taken until the late answer, which is dropped).
   */
  restartOnTimeout?: boolean;
  /** Passed to the Worker: heap and stack caps. A worker that reaches them dies and answers WORKER_CRASHED. */
  resourceLimits?: ResourceLimits;
  /** Passed to the Worker; read inside it as `workerData`. */
  workerData?: unknown;
  /** How long stop() lets the worker's close hook run before the thread is terminated. Default 5 s. */
  stopTimeoutMs?: number;
  /** Crashes, restarts, giving up, forced stops: for the log. Never carries call params. */
  onNotice?: (event: WorkerNoticeEvent, message: string) => void;
  /** The restart budget's clock (tests). */
  now?: () => number;
}

export type WorkerNoticeEvent = 'worker.crashed' | 'worker.restarted' | 'worker.unavailable' | 'worker.stop_forced';

export interface CallOptions {
  /** This call's timeout instead of the client's. */
  timeoutMs?: number;
  /** Buffers in `params` to move to the worker instead of copying (detached here once the call is sent). */
  transfer?: readonly Transferable[];
}

export type WorkerClientState = 'running' | 'unavailable' | 'stopped';

export interface WorkerClient<Api extends WorkerApi<Api>> {
  /** Runs `method` in the worker. Every outcome is a value; it never rejects (a timeout that is not a positive number throws: a bug). */
  call<M extends MethodOf<Api>>(method: M, params: ParamsOf<Api, M>, options?: CallOptions): Promise<WorkerCallResult<ResultOf<Api, M>>>;
  readonly state: WorkerClientState;
  /** Restarts since the client was created. */
  readonly restarts: number;
  /**
   * Answers every queued and held call STOPPED, asks the worker to close
   * (its `close` hook), and terminates the thread if it has not ended within
   * `stopTimeoutMs`. Resolves within about twice that; safe to call again.
   */
  stop(): Promise<void>;
}

interface PendingCall {
  id: number;
  method: string;
  params: unknown;
  transfer: readonly Transferable[];
  timeoutMs: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  sent: boolean;
  settled: boolean;
  resolve: (result: WorkerCallResult<unknown>) => void;
}

const DEFAULT_MAX_QUEUED = 64;
const DEFAULT_STOP_TIMEOUT_MS = 5_000;

/** Starts the worker at once (a model loads, a database opens) and returns its typed client. */
export function createWorkerClient<Api extends WorkerApi<Api>>(options: WorkerClientOptions): WorkerClient<Api> {
  const { name, entry, timeoutMs, concurrency = 1, maxQueued = DEFAULT_MAX_QUEUED, restartOnTimeout = true } = options;
  const stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
  checkPositive('timeoutMs', timeoutMs);
  checkPositive('stopTimeoutMs', stopTimeoutMs);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`${name}: concurrency must be a whole number >= 1`);
  if (!Number.isInteger(maxQueued) || maxQueued < 0) throw new RangeError(`${name}: maxQueued must be a whole number >= 0`);
  const budget = createRestartBudget(options.restartBudget ?? DEFAULT_RESTART_BUDGET, options.now);
  const notice = (event: WorkerNoticeEvent, message: string) => options.onNotice?.(event, message);

  let state: WorkerClientState = 'running';
  let worker: Worker | undefined;
  // Bumped whenever the current worker is given up, so the events of a dead one are ignored.
  let generation = 0;
  let restarts = 0;
  let nextId = 1;
  let stopping: Promise<void> | undefined;
  const queue: PendingCall[] = [];
  // Calls the worker holds. A call that timed out without a restart stays here (settled) until its late answer frees the slot.
  const held = new Map<number, PendingCall>();

  const fail = (reason: WorkerFailureReason, message: string, sent: boolean): WorkerCallResult<never> => ({
    ok: false,
    reason,
    message,
    sent,
  });
  const settle = (call: PendingCall, result: WorkerCallResult<unknown>) => {
    if (call.settled) return;
    call.settled = true;
    clearTimeout(call.timer);
    call.resolve(result);
  };

  const start = () => {
    const own = ++generation;
    let started: Worker;
    try {
      started = spawnWorker(entry, { name, resourceLimits: options.resourceLimits, workerData: options.workerData });
    } catch (error) {
      // Could not even create the thread (e.g. a source entry without tsx): a crash like any other, after this turn.
      worker = undefined;
      queueMicrotask(() => workerGone(own, `could not start: ${messageOf(error)}`));
      return;
    }
    worker = started;
    started.on('message', (message: unknown) => {
      if (own === generation) answered(message);
    });
    started.on('error', (error: Error & { code?: string }) => workerGone(own, describeCrash(error)));
    started.on('exit', (code) => workerGone(own, `exited with code ${code}`));
  };

  const answered = (message: unknown) => {
    if (!isAnswerMessage(message)) return;
    const call = held.get(message.id);
    if (!call) return;
    held.delete(message.id);
    settle(
      call,
      message.ok ? { ok: true, value: message.value } : fail('HANDLER_FAILED', `${name}.${call.method}: ${message.message}`, true),
    );
    pump();
  };

  /** The worker `own` died (or is given up as hung): fail what it held, then restart it or give up. */
  const workerGone = (own: number, why: string) => {
    if (own !== generation || state !== 'running') return;
    generation++;
    const dead = worker;
    worker = undefined;
    void dead?.terminate();
    for (const call of held.values()) settle(call, fail('WORKER_CRASHED', `${name} ${why} while it held ${call.method}`, true));
    held.clear();
    notice('worker.crashed', `${name} ${why}`);
    if (budget.take()) {
      restarts++;
      notice('worker.restarted', `${name} restarted (${budget.used} of ${budgetMax()} restarts in the window)`);
      start();
      pump();
      return;
    }
    state = 'unavailable';
    const message = `${name} crashed more than ${budgetMax()} times within the restart window and is no longer started; restart the booth`;
    for (const call of queue.splice(0)) settle(call, fail('UNAVAILABLE', message, false));
    notice('worker.unavailable', message);
  };
  const budgetMax = () => (options.restartBudget ?? DEFAULT_RESTART_BUDGET).max;

  /** Sends queued calls while the worker has free slots. */
  const pump = () => {
    while (state === 'running' && worker && held.size < concurrency && queue.length > 0) {
      const call = queue.shift()!;
      const message: CallMessage = { kind: 'call', id: call.id, method: call.method, params: call.params };
      try {
        worker.postMessage(message, [...call.transfer]);
      } catch (error) {
        settle(call, fail('UNSENDABLE', `${name}.${call.method}: the params cannot be posted to the worker: ${messageOf(error)}`, false));
        continue;
      }
      call.sent = true;
      held.set(call.id, call);
    }
  };

  const timedOut = (call: PendingCall) => {
    const message = `${name}.${call.method} did not answer within ${call.timeoutMs} ms`;
    if (!call.sent) {
      queue.splice(queue.indexOf(call), 1);
      return settle(call, fail('TIMEOUT', `${message} (it was still queued)`, false));
    }
    settle(call, fail('TIMEOUT', message, true));
    // A worker that does not answer may be stuck for good (an endless loop, a hung native call): start a fresh one.
    if (restartOnTimeout) workerGone(generation, `was restarted because ${call.method} did not answer within ${call.timeoutMs} ms`);
  };

  start();

  return {
    call(method, params, callOptions = {}) {
      if (state === 'stopped') return Promise.resolve(fail('STOPPED', `${name} is stopped`, false));
      if (state === 'unavailable') return Promise.resolve(fail('UNAVAILABLE', `${name} is unavailable after repeated crashes`, false));
      const freeSlot = worker !== undefined && held.size < concurrency && queue.length === 0;
      if (!freeSlot && queue.length >= maxQueued) {
        return Promise.resolve(fail('QUEUE_FULL', `${name}: ${queue.length} calls already wait; ${method} was not queued`, false));
      }
      const callTimeoutMs = callOptions.timeoutMs ?? timeoutMs;
      checkPositive('timeoutMs', callTimeoutMs);
      return new Promise<WorkerCallResult<ResultOf<Api, typeof method>>>((resolve) => {
        const call: PendingCall = {
          id: nextId++,
          method,
          params,
          transfer: callOptions.transfer ?? [],
          timeoutMs: callTimeoutMs,
          timer: undefined,
          sent: false,
          settled: false,
          resolve: resolve as PendingCall['resolve'],
        };
        call.timer = setTimeout(() => timedOut(call), callTimeoutMs);
        queue.push(call);
        pump();
      });
    },
    get state() {
      return state;
    },
    get restarts() {
      return restarts;
    },
    stop() {
      stopping ??= stopWorker();
      return stopping;
    },
  };

  async function stopWorker(): Promise<void> {
    state = 'stopped';
    generation++;
    for (const call of queue.splice(0)) settle(call, fail('STOPPED', `${name} was stopped before ${call.method} was sent`, false));
    for (const call of held.values()) settle(call, fail('STOPPED', `${name} was stopped while it held ${call.method}`, true));
    held.clear();
    const last = worker;
    worker = undefined;
    if (!last) return;
    const exited = new Promise<boolean>((resolve) => last.once('exit', () => resolve(true)));
    try {
      last.postMessage({ kind: 'close' });
    } catch {
      // The port is already closed: the thread is ending on its own.
    }
    if (await within(exited, stopTimeoutMs)) return;
    notice('worker.stop_forced', `${name} did not close within ${stopTimeoutMs} ms; terminating its thread`);
    await within(
      last.terminate().then(() => true),
      stopTimeoutMs,
    );
  }
}

/** How a dying worker is described: out of memory, or the uncaught error's message (never its stack). */
function describeCrash(error: Error & { code?: string }): string {
  if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') return 'ran out of memory (its resourceLimits)';
  return `crashed (uncaught ${messageOf(error)})`;
}

/** True if `promise` settles within `ms`, false if the time runs out first. */
function within(promise: Promise<boolean>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(false);
      },
    );
  });
}

function checkPositive(what: string, ms: number): void {
  if (!(ms > 0) || !Number.isFinite(ms)) throw new RangeError(`${what} must be a positive number of milliseconds, got ${ms}`);
}
