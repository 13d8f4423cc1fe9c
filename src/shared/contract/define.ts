// One kit for every contract the booth speaks: the citizen's page today, the
// technician's tools and the officer/upstream side as they land. A contract
// is a named set of calls (params and result schemas, the time a caller
// waits, the failures it may answer) and events (payload schemas). The
// dispatcher (dispatch.ts) and the client (client.ts) are built from one
// contract and know nothing of any other, so a method of one audience can
// never be called through another's channel: it is simply not in that
// contract.
//
// Failures are declared per method, as ts-rest declares responses per route
// and per router: each method lists the codes it may answer and, per code,
// the reasons; the failures any call can meet on the way (commonFailures)
// are declared once, here. Handlers are typed to answer only what their
// method declares, clients get that union back, and both ends check it.
import type { z } from 'zod';
import type { BoothError, BoothErrorOf, ErrorCode, Result } from './result';
import { NOT_OWNER } from './websocket';

/** How long a caller waits for an answer unless the method says otherwise. */
export const DEFAULT_CALL_TIMEOUT_MS = 10_000;

/**
 * The reasons one failure code may carry: an empty list, the code comes without a reason; otherwise one of the listed reasons,
 * and `null` in the list allows none as well.
 */
export type Reasons = readonly (string | null)[];
/** A method's failures: each code it may answer, with its reasons. */
export type FailureSpecs = { readonly [C in ErrorCode]?: Reasons };

/**
 * What every call may answer whatever its method: the call was refused on the way (BAD_REQUEST, UNKNOWN_METHOD,
 * PAYLOAD_TOO_LARGE, UNAUTHORIZED; BUSY NOT_OWNER when another page owns the citizen session) or could not be served
 * (INTERNAL, TRANSPORT_CLOSED, TIMEOUT; OUT_OF_SERVICE while the core process is down).
 */
export const commonFailures = {
  BAD_REQUEST: [],
  UNKNOWN_METHOD: [],
  PAYLOAD_TOO_LARGE: [],
  UNAUTHORIZED: [],
  BUSY: [NOT_OWNER],
  INTERNAL: [],
  TRANSPORT_CLOSED: [],
  TIMEOUT: [],
  // RESTARTING, GAVE_UP, STOPPING: the core process is down. VAULT_*: the booth cannot keep a new enrollment (session.start).
  OUT_OF_SERVICE: ['RESTARTING', 'GAVE_UP', 'STOPPING', 'VAULT_DISK_LOW', 'VAULT_UNAVAILABLE'],
} as const satisfies FailureSpecs;
export type CommonFailures = typeof commonFailures;

export interface CallSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType, F extends FailureSpecs = FailureSpecs> {
  params: P;
  result: R;
  /** How long a transport waits for the answer before it answers TIMEOUT itself. */
  timeoutMs: number;
  /** The failures the method answers itself, besides commonFailures. */
  failures: F;
}

/** Keys of `F` that are not error codes: a typo in a declaration does not compile. */
type OnlyErrorCodes<F> = { [K in Exclude<keyof F, ErrorCode>]: never };

/**
 * One call of a contract: what it takes, what it answers, what it may fail with, and (optionally) how long it may take.
 * `failures: { WRONG_STEP: [], CARD_FAILED: ['NO_CARD', …] }`; no `failures`: the method fails only as every call may.
 */
export function call<P extends z.ZodType, R extends z.ZodType, const F extends FailureSpecs = {}>(
  params: P,
  result: R,
  options: { timeoutMs?: number; failures?: F & OnlyErrorCodes<F> } = {},
): CallSpec<P, R, F> {
  return { params, result, timeoutMs: options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS, failures: options.failures ?? ({} as F) };
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
  /** Whether `method` may answer `error`: a common failure, or one the method declares (code and reason). */
  declares(method: string, error: Pick<BoothError, 'code' | 'reason'>): boolean;
}

export function defineContract<C extends CallSpecs, E extends EventSpecs>(audience: string, spec: { calls: C; events: E }): Contract<C, E> {
  const isMethod = (name: string): name is keyof C & string => Object.hasOwn(spec.calls, name);
  const common = allowedFailures(commonFailures);
  const declared = new Map(Object.entries(spec.calls).map(([method, { failures }]) => [method, allowedFailures(commonFailures, failures)]));
  return {
    audience,
    calls: spec.calls,
    events: spec.events,
    methods: Object.keys(spec.calls),
    eventNames: Object.keys(spec.events),
    isMethod,
    isEventName: (name: string): name is keyof E & string => Object.hasOwn(spec.events, name),
    timeoutMs: (method) => (isMethod(method) ? spec.calls[method]!.timeoutMs : DEFAULT_CALL_TIMEOUT_MS),
    declares: (method, { code, reason }) => {
      const allowed = (isMethod(method) ? declared.get(method) : undefined) ?? common;
      return allowed.get(code)?.has(reason ?? null) ?? false;
    },
  };
}

/** Per code, the reasons allowed (null: none). */
function allowedFailures(...specs: FailureSpecs[]): Map<string, Set<string | null>> {
  const allowed = new Map<string, Set<string | null>>();
  for (const spec of specs) {
    for (const [code, reasons] of Object.entries(spec) as Array<[string, Reasons]>) {
      const set = allowed.get(code) ?? new Set();
      allowed.set(code, set);
      if (reasons.length === 0) set.add(null);
      for (const reason of reasons) set.add(reason);
    }
  }
  return allowed;
}

/** A handler answered a failure its method does not declare: a bug, reported through the dispatcher's onBug. */
export class UndeclaredFailureError extends Error {
  override readonly name = 'UndeclaredFailureError';
  constructor(
    readonly method: string,
    readonly code: string,
    readonly reason: string | undefined,
  ) {
    super(
      `${method} answered ${code}${reason === undefined ? ' without a reason' : ` ${reason.slice(0, 64)}`}, which it does not declare.`,
    );
  }
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

/** The reasons a list allows, null standing for "none" (an empty list allows only none). */
type ReasonIn<L> = L extends readonly [] ? null : L extends Reasons ? L[number] : never;
/** The reasons code `Code` may carry under failures `F`, common ones included. */
type ReasonFor<F, Code extends ErrorCode> =
  (Code extends keyof F ? ReasonIn<F[Code]> : never) | (Code extends keyof CommonFailures ? ReasonIn<CommonFailures[Code]> : never);
type DeclaredError<Code extends ErrorCode, X> = null extends X
  ? BoothErrorOf<Code> | BoothErrorOf<Code, Exclude<X, null> & string>
  : BoothErrorOf<Code, X & string>;
/** Every error failures `F` allow, common ones included: a union to switch over by code, then by reason. */
export type FailureFrom<F> = {
  [Code in (keyof F | keyof CommonFailures) & ErrorCode]: DeclaredError<Code, ReasonFor<F, Code>>;
}[(keyof F | keyof CommonFailures) & ErrorCode];

/** The errors method `M` of contract `K` may answer. */
export type FailureIn<K extends ContractShape, M extends MethodOf<K>> = FailureFrom<K['calls'][M]['failures']>;
/** What method `M` answers: its value, or one of its declared errors. */
export type AnswerIn<K extends ContractShape, M extends MethodOf<K>> = Result<ValueIn<K, M>, FailureIn<K, M>>;

/** What the receiving side implements: one handler per method, answering its value or a failure it declares. */
export type HandlersOf<K extends ContractShape> = {
  [M in MethodOf<K>]: (params: CheckedParamsIn<K, M>) => Promise<AnswerIn<K, M>> | AnswerIn<K, M>;
};
