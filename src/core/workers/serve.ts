// The worker's side of the channel: a worker module (a `*.worker.ts` file)
// loads what it needs (a model, a database), then hands its handlers to
// `serveWorker`. Each call runs its handler and answers once, by id. A
// handler that throws answers HANDLER_FAILED with the error's message only:
// a stack can quote the data it was working on (a citizen's NIK, a face),
// and it must not travel to logs outside the worker.
import { parentPort, type Transferable } from 'node:worker_threads';
import {
  isTransferring,
  messageOf,
  type AnswerMessage,
  type MethodOf,
  type ParamsOf,
  type ResultOf,
  type ToWorkerMessage,
  type Transferring,
  type WorkerApi,
} from './protocol';

type Answerable<T> = T | Transferring<T>;

/** What a worker module implements: one handler per method of its API, sync or async. */
export type WorkerHandlers<Api extends WorkerApi<Api>> = {
  [M in MethodOf<Api>]: (params: ParamsOf<Api, M>) => Answerable<ResultOf<Api, M>> | Promise<Answerable<ResultOf<Api, M>>>;
};

export interface ServeOptions {
  /** Runs when the client stops (close a database, release a session); the thread ends after it, or when the client's stop bound passes. */
  close?: () => void | Promise<void>;
}

/**
 * Serves `handlers` on this worker's parent port. Call it once, at the top
 * level of the worker module, after anything the handlers need is ready
 * (calls posted before then wait on the port). Outside a worker thread it
 * throws: that is a bug, not an expected failure.
 */
export function serveWorker<Api extends WorkerApi<Api>>(handlers: WorkerHandlers<Api>, options: ServeOptions = {}): void {
  const port = parentPort;
  if (!port) throw new Error('serveWorker() runs inside a worker thread only (no parentPort here).');
  const table = handlers as Record<string, (params: unknown) => unknown>;

  const answer = (message: AnswerMessage, transfer: readonly Transferable[] = []) => {
    try {
      port.postMessage(message, [...transfer]);
    } catch (error) {
      // The result could not be cloned (a function, a class with behaviour) or a listed buffer was already gone.
      port.postMessage({ kind: 'answer', id: message.id, ok: false, message: `the result could not be sent back: ${messageOf(error)}` });
    }
  };

  const run = async (id: number, method: string, params: unknown) => {
    const handler = Object.hasOwn(table, method) ? table[method] : undefined;
    if (!handler) return answer({ kind: 'answer', id, ok: false, message: `no handler for method "${method}"` });
    try {
      const result = await handler(params);
      if (isTransferring(result)) answer({ kind: 'answer', id, ok: true, value: result.value }, result.transfer);
      else answer({ kind: 'answer', id, ok: true, value: result });
    } catch (error) {
      answer({ kind: 'answer', id, ok: false, message: messageOf(error) });
    }
  };

  port.on('message', (message: ToWorkerMessage) => {
    if (message.kind === 'call') void run(message.id, message.method, message.params);
    else if (message.kind === 'close') void closeThenEnd(options.close);
  });
}

/** Runs the close hook, then ends this thread (process.exit in a worker ends the thread only), 1 if the hook failed. */
async function closeThenEnd(close: ServeOptions['close']): Promise<void> {
  let code = 0;
  try {
    await close?.();
  } catch {
    code = 1;
  }
  process.exit(code);
}
