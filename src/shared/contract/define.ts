// One kit for every contract the booth speaks: the citizen's page today, the
// technician's tools and the officer/upstream side as they land. A contract
// is a named set of calls (params and result schemas, the time a caller
// waits) and events (payload schemas). The dispatcher (dispatch.ts) and the
// client (client.ts) are built from one contract and know nothing of any
// other, so a method of one audience can never be called through another's
// channel: it is simply not in that contract.
import type { z } from 'zod';
import type { Result } from './result';

/** How long a caller waits for an answer unless the method says otherwise. */
export const DEFAULT_CALL_TIMEOUT_MS = 10_000;

export interface CallSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P;
  result: R;
  /** How long a transport waits for the answer before it answers TIMEOUT itself. */
  timeoutMs: number;
}

/** One call of a contract: what it takes, what it answers, and (optionally) how long it may take. */
export function call<P extends z.ZodType, R extends z.ZodType>(params: P, result: R, options: { timeoutMs?: number } = {}): CallSpec<P, R> {
  return { params, result, timeoutMs: options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS };
}

export type CallSpecs = Record<string, CallSpec>;
export type EventSpecs = Record<string, z.ZodType>;

export interface Contract<C extends CallSpecs = CallSpecs, E extends EventSpecs = EventSpecs> {
  /** Who speaks it ('citizen', 'technician', …), for messages and logs. */
  readonly audience: string;
  readonly calls: C;
  readonly events: E;
  readonly methods: ReadonlyArray<keyof C & string>;
  readonly eventNames: ReadonlyArray<keyof E & string>;
  isMethod(name: string): name is keyof C & string;
  isEventName(name: string): name is keyof E & string;
  /** The method's own timeout; a name the contract does not have gets the default (it is refused anyway). */
  timeoutMs(method: string): number;
}

export function defineContract<C extends CallSpecs, E extends EventSpecs>(audience: string, spec: { calls: C; events: E }): Contract<C, E> {
  const isMethod = (name: string): name is keyof C & string => Object.hasOwn(spec.calls, name);
  return {
    audience,
    calls: spec.calls,
    events: spec.events,
    methods: Object.keys(spec.calls),
    eventNames: Object.keys(spec.events),
    isMethod,
    isEventName: (name: string): name is keyof E & string => Object.hasOwn(spec.events, name),
    timeoutMs: (method) => (isMethod(method) ? spec.calls[method]!.timeoutMs : DEFAULT_CALL_TIMEOUT_MS),
  };
}

/** What the type helpers need of a contract (its method guards are too specific to compare). */
export interface ContractShape {
  readonly calls: CallSpecs;
  readonly events: EventSpecs;
}
export type MethodOf<K extends ContractShape> = keyof K['calls'] & string;
export type EventOf<K extends ContractShape> = keyof K['events'] & string;
export type ParamsIn<K extends ContractShape, M extends MethodOf<K>> = z.input<K['calls'][M]['params']>;
export type CheckedParamsIn<K extends ContractShape, M extends MethodOf<K>> = z.output<K['calls'][M]['params']>;
export type ValueIn<K extends ContractShape, M extends MethodOf<K>> = z.output<K['calls'][M]['result']>;
export type PayloadIn<K extends ContractShape, E extends EventOf<K>> = z.output<K['events'][E]>;

/** What the receiving side implements: one handler per method, answering a result value. */
export type HandlersOf<K extends ContractShape> = {
  [M in MethodOf<K>]: (params: CheckedParamsIn<K, M>) => Promise<Result<ValueIn<K, M>>> | Result<ValueIn<K, M>>;
};
