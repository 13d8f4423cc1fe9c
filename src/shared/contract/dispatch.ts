// The receiving side of a contract, shared by Electron main and the headless
// host: checks the envelope, the method and the parameters before a handler
// sees them, and turns a handler's exception, or a failure its method does
// not declare, into INTERNAL. A dispatcher serves one contract: a method of
// another audience is UNKNOWN_METHOD here.
import type { z } from 'zod';
import { citizenContract, type CitizenContract, type Method } from './contract';
import { UndeclaredFailureError, type CallSpecs, type Contract, type EventSpecs, type HandlersOf, type MethodOf } from './define';
import { callEnvelopeSchema, type ResultEnvelope } from './envelope';
import { fail, type Result } from './result';

/** The citizen contract's handlers: what the core implements for the renderer. */
export type BoothHandlers = HandlersOf<CitizenContract>;

export interface DispatcherOptions<M extends string = Method> {
  /** Told about every handler exception and every undeclared failure (UndeclaredFailureError): bugs, never shown to the citizen. */
  onBug?: (method: M, error: unknown) => void;
}

export type Dispatch = (envelope: unknown) => Promise<ResultEnvelope>;

/** The citizen contract's dispatcher. */
export function createDispatcher(handlers: BoothHandlers, options: DispatcherOptions = {}): Dispatch {
  return createContractDispatcher(citizenContract, handlers, options);
}

/** Builds the function that answers one call envelope of `contract` with one result envelope. */
export function createContractDispatcher<C extends CallSpecs, E extends EventSpecs>(
  contract: Contract<C, E>,
  handlers: HandlersOf<Contract<C, E>>,
  options: DispatcherOptions<MethodOf<Contract<C, E>>> = {},
): Dispatch {
  const calls: CallSpecs = contract.calls;
  return async (raw) => {
    const envelope = callEnvelopeSchema.safeParse(raw);
    if (!envelope.success) {
      return answer(
        idOf(raw),
        fail('BAD_REQUEST', 'A call must be { type: "call", id, method, params }.', { issues: issuePaths(envelope.error) }),
      );
    }
    const { id } = envelope.data;
    const method: string = envelope.data.method;
    if (!Object.hasOwn(calls, method)) {
      return answer(id, fail('UNKNOWN_METHOD', `The booth has no method "${method.slice(0, 64)}" here.`));
    }
    const params = calls[method]!.params.safeParse(envelope.data.params ?? {});
    if (!params.success) {
      return answer(id, fail('BAD_REQUEST', `Wrong parameters for ${method}.`, { issues: issuePaths(params.error) }));
    }
    try {
      const handler = (handlers as Record<string, (p: unknown) => Promise<Result<unknown>> | Result<unknown>>)[method]!;
      const result = await handler(params.data);
      // The screens switch over the declared failures only: anything else would reach them as a case they do not know.
      if (!result.ok && !contract.declares(method, result.error))
        return bug(id, method, new UndeclaredFailureError(method, result.error.code, result.error.reason));
      return answer(id, result);
    } catch (error) {
      return bug(id, method, error);
    }
  };

  function bug(id: number, method: string, error: unknown): ResultEnvelope {
    options.onBug?.(method as MethodOf<Contract<C, E>>, error);
    return answer(id, fail('INTERNAL', 'The booth hit an internal error; the call was not completed.'));
  }
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
