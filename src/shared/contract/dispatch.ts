// The receiving side of the contract, shared by Electron main and the
// headless host: checks the envelope, the method and the parameters before a
// handler sees them, and turns a handler's exception into INTERNAL.
import type { z } from 'zod';
import { calls, isMethod, type CheckedParamsOf, type Method, type ValueOf } from './contract';
import { callEnvelopeSchema, type ResultEnvelope } from './envelope';
import { fail, type Result } from './result';

export type BoothHandlers = {
  [M in Method]: (params: CheckedParamsOf<M>) => Promise<Result<ValueOf<M>>> | Result<ValueOf<M>>;
};

export interface DispatcherOptions {
  /** Told about every handler exception (a bug); never shown to the citizen. */
  onBug?: (method: Method, error: unknown) => void;
}

export type Dispatch = (envelope: unknown) => Promise<ResultEnvelope>;

/** Builds the function that answers one call envelope with one result envelope. */
export function createDispatcher(handlers: BoothHandlers, options: DispatcherOptions = {}): Dispatch {
  return async (raw) => {
    const envelope = callEnvelopeSchema.safeParse(raw);
    if (!envelope.success) {
      return answer(idOf(raw), fail('BAD_REQUEST', 'A call must be { type: "call", id, method, params }.', { issues: issuePaths(envelope.error) }));
    }
    const { id, method } = envelope.data;
    if (!isMethod(method)) {
      return answer(id, fail('UNKNOWN_METHOD', `The booth has no method "${method.slice(0, 64)}".`));
    }
    const params = calls[method].params.safeParse(envelope.data.params ?? {});
    if (!params.success) {
      return answer(id, fail('BAD_REQUEST', `Wrong parameters for ${method}.`, { issues: issuePaths(params.error) }));
    }
    try {
      const handler = handlers[method] as (p: unknown) => Promise<Result<unknown>> | Result<unknown>;
      return answer(id, await handler(params.data));
    } catch (error) {
      options.onBug?.(method, error);
      return answer(id, fail('INTERNAL', 'The booth hit an internal error; the call was not completed.'));
    }
  };
}

function answer(id: number | null, result: Result<unknown>): ResultEnvelope {
  return { type: 'result', id, result };
}

function idOf(raw: unknown): number | null {
  if (typeof raw === 'object' && raw !== null && 'id' in raw) {
    const id = (raw as { id: unknown }).id;
    if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return id;
  }
  return null;
}

/** "params.nik: expected string" style lines, capped so errors stay small. */
export function issuePaths(error: z.ZodError): string[] {
  return error.issues.slice(0, 10).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message.slice(0, 120)}`);
}
