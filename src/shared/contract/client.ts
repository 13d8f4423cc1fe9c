// The generated client: one function per contract method, grouped by the
// part before the dot (booth.session.submitEmail({ email })), plus `on` for
// events. The renderer checks every answer and event against the contract
// too, so a confused or hostile peer cannot feed it a wrong shape or a
// failure the method does not declare. Each function's failure type is its
// method's declared union, for the screens to switch over.
import { citizenContract, type CitizenContract, type EventName, type Method } from './contract';
import type { AnswerIn, CallSpecs, Contract, ContractShape, EventOf, EventSpecs, MethodOf, ParamsIn, PayloadIn } from './define';
import { fail, type Result } from './result';

/** What a transport must do: carry one call (waiting at most `timeoutMs`, the contract's figure for it), and deliver events. */
export interface ContractTransport {
  call(method: string, params: unknown, timeoutMs?: number): Promise<Result<unknown>>;
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
}

type GroupOf<M extends string> = M extends `${infer G}.${string}` ? G : never;
type CallFn<K extends ContractShape, M extends MethodOf<K>> =
  {} extends ParamsIn<K, M> ? (params?: ParamsIn<K, M>) => Promise<AnswerIn<K, M>> : (params: ParamsIn<K, M>) => Promise<AnswerIn<K, M>>;

/** A contract's client: one function per method, grouped by the part before the dot, and `on` for its events. */
export type ClientOf<K extends ContractShape> = {
  [G in GroupOf<MethodOf<K>>]: { [M in MethodOf<K> as M extends `${G}.${infer N}` ? N : never]: CallFn<K, M> };
} & {
  on<E extends EventOf<K>>(event: E, listener: (payload: PayloadIn<K, E>) => void): () => void;
};

export type BoothClient = ClientOf<CitizenContract>;

/** The citizen contract's client (the renderer's). */
export function createBoothClient(transport: ContractTransport): BoothClient {
  return createContractClient(citizenContract, transport);
}

/** A client for `contract` over `transport`: every answer and event is checked against the contract. */
export function createContractClient<C extends CallSpecs, E extends EventSpecs>(
  contract: Contract<C, E>,
  transport: ContractTransport,
): ClientOf<Contract<C, E>> {
  const calls: CallSpecs = contract.calls;
  const events: EventSpecs = contract.events;
  const client: Record<string, Record<string, unknown>> = {};
  for (const method of contract.methods) {
    const [group, name] = method.split('.') as [string, string];
    client[group] ??= {};
    client[group][name] = async (params: unknown = {}) => {
      const result = await transport.call(method, params, contract.timeoutMs(method));
      if (!result.ok) {
        if (contract.declares(method, result.error)) return result;
        const { code, reason } = result.error;
        return fail(
          'INTERNAL',
          `The booth answered ${method} with ${code}${reason === undefined ? '' : ` ${reason.slice(0, 64)}`}, a failure it does not declare.`,
        );
      }
      const checked = calls[method]!.result.safeParse(result.value);
      return checked.success
        ? { ok: true, value: checked.data }
        : fail('INTERNAL', `The booth answered ${method} with an unexpected shape.`);
    };
  }
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  transport.subscribe((event, payload) => {
    if (!contract.isEventName(event)) return;
    const checked = events[event]!.safeParse(payload);
    if (!checked.success) return;
    for (const listener of listeners.get(event) ?? []) listener(checked.data);
  });
  const on = (event: string, listener: (payload: unknown) => void) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  };
  return { ...client, on } as unknown as ClientOf<Contract<C, E>>;
}

export type { Method, EventName };
