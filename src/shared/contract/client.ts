// The generated client: one function per contract method, grouped by the
// part before the dot (booth.session.submitNik({ nik })), plus `on` for
// events. The renderer checks every answer and event against the contract
// too, so a confused or hostile peer cannot feed it a wrong shape.
import { calls, events, isEventName, methods, type EventName, type Method, type ParamsOf, type PayloadOf, type ValueOf } from './contract';
import { fail, type Result } from './result';

/** What a transport must do: carry one call, and deliver events. */
export interface ContractTransport {
  call(method: string, params: unknown): Promise<Result<unknown>>;
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
}

type GroupOf<M extends string> = M extends `${infer G}.${string}` ? G : never;
type CallFn<M extends Method> = {} extends ParamsOf<M>
  ? (params?: ParamsOf<M>) => Promise<Result<ValueOf<M>>>
  : (params: ParamsOf<M>) => Promise<Result<ValueOf<M>>>;

export type BoothClient = {
  [G in GroupOf<Method>]: { [M in Method as M extends `${G}.${infer N}` ? N : never]: CallFn<M> };
} & {
  on<E extends EventName>(event: E, listener: (payload: PayloadOf<E>) => void): () => void;
};

export function createBoothClient(transport: ContractTransport): BoothClient {
  const client: Record<string, Record<string, unknown>> = {};
  for (const method of methods) {
    const [group, name] = method.split('.') as [string, string];
    client[group] ??= {};
    client[group][name] = async (params: unknown = {}) => {
      const result = await transport.call(method, params);
      if (!result.ok) return result;
      const checked = calls[method].result.safeParse(result.value);
      return checked.success ? { ok: true, value: checked.data } : fail('INTERNAL', `The booth answered ${method} with an unexpected shape.`);
    };
  }
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  transport.subscribe((event, payload) => {
    if (!isEventName(event)) return;
    const checked = events[event].safeParse(payload);
    if (!checked.success) return;
    for (const listener of listeners.get(event) ?? []) listener(checked.data);
  });
  const on = (event: EventName, listener: (payload: unknown) => void) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  };
  return { ...client, on } as unknown as BoothClient;
}

export type { Method, EventName };
