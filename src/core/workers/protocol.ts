// What travels between a worker client and the worker it runs: one request
// per call, one answer per request, matched by id. The types here are
// shared by both sides (client.ts in the core's thread, serve.ts inside the
// worker) and say what a caller gets back, including every way a call can
// fail without being a bug.
import type { Transferable } from 'node:worker_threads';

/**
 * A worker's API as the core sees it: method name → (params) => result.
 * Declare it once (a type or an interface) and give it to both
 * `createWorkerClient<Api>` and `serveWorker<Api>`. Params and results must
 * survive the structured clone (plain data, typed arrays, ArrayBuffers,
 * Maps, Dates; no functions, no class instances with behaviour).
 */
export type WorkerApi<Api> = { [M in keyof Api]: (params: never) => unknown };

export type MethodOf<Api> = keyof Api & string;
export type ParamsOf<Api, M extends keyof Api> = Api[M] extends (params: infer P) => unknown ? P : never;
export type ResultOf<Api, M extends keyof Api> = Api[M] extends (params: never) => infer R ? Awaited<R> : never;

export const workerFailureReasons = [
  'TIMEOUT', // no answer within the call's timeout (`sent` says whether the worker had it)
  'WORKER_CRASHED', // the worker died (uncaught error, process.exit, out of memory) or was restarted while it held the call
  'UNAVAILABLE', // the worker crashed more often than its restart budget allows; every call answers this until stop()
  'STOPPED', // the client was stopped before the call was answered, or the call came after stop()
  'HANDLER_FAILED', // the worker's handler threw (or rejected); the message is the error's, never its stack
  'QUEUE_FULL', // too many calls already wait; the call was not queued
  // The params cannot be posted (a function, a MessagePort not in the transfer list). Node 20 posts a buffer that an
  // earlier call already moved as an empty one, without complaint: a handler checks the sizes it gets.
  'UNSENDABLE',
] as const;

export type WorkerFailureReason = (typeof workerFailureReasons)[number];

/** The failure of one call: expected, so a value, never a throw. */
export interface WorkerFailure {
  ok: false;
  reason: WorkerFailureReason;
  /** For logs and technicians: what happened (never a stack). */
  message: string;
  /**
   * Whether the worker was handed the call. False: it never saw it, so the
   * call had no effect and can be retried safely (a vault write queued
   * behind a stuck one). True: it may have acted on it before the failure.
   */
  sent: boolean;
}

export type WorkerCallResult<T> = { ok: true; value: T } | WorkerFailure;

/** client → worker: run `method` with `params` and answer with `id`. */
export interface CallMessage {
  kind: 'call';
  id: number;
  method: string;
  params: unknown;
}

/** client → worker: the client is stopping; close what you hold and end. */
export interface CloseMessage {
  kind: 'close';
}

/** worker → client: the answer to call `id`. */
export type AnswerMessage =
  { kind: 'answer'; id: number; ok: true; value: unknown } | { kind: 'answer'; id: number; ok: false; message: string };

export type ToWorkerMessage = CallMessage | CloseMessage;

/** Anything else on the port (a stray postMessage in a worker's own code) is not an answer and is ignored. */
export function isAnswerMessage(message: unknown): message is AnswerMessage {
  if (typeof message !== 'object' || message === null) return false;
  const candidate = message as Partial<AnswerMessage>;
  return candidate.kind === 'answer' && typeof candidate.id === 'number' && typeof candidate.ok === 'boolean';
}

const transferMark = Symbol('workers.transfer');

/** A result a handler returns with the buffers to move (not copy) back to the caller. */
export interface Transferring<T> {
  readonly [transferMark]: true;
  readonly value: T;
  readonly transfer: readonly Transferable[];
}

/**
 * Inside a worker: answer `value` and move the listed buffers to the caller
 * instead of copying them (an embedding's Float32Array buffer, a decoded
 * picture). The worker's copies are detached afterwards.
 */
export function withTransfer<T>(value: T, transfer: readonly Transferable[]): Transferring<T> {
  return { [transferMark]: true, value, transfer };
}

export function isTransferring(result: unknown): result is Transferring<unknown> {
  return typeof result === 'object' && result !== null && transferMark in result;
}

/** A thrown value as one line: the message of an Error, never its stack (which can quote the data being worked on). */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `non-Error thrown: ${typeof error}`;
}
