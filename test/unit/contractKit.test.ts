// The contract kit (src/shared/contract/define.ts): a contract for another
// audience is built the same way as the citizen's, gets its own dispatcher
// and client, and neither channel answers the other's methods.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { call, defineContract } from '../../src/shared/contract/define';
import { createContractDispatcher, createDispatcher, type Dispatch } from '../../src/shared/contract/dispatch';
import { createContractClient, type ContractTransport } from '../../src/shared/contract/client';
import { ok } from '../../src/shared/contract/result';
import { inProcessBooth } from '../support/inProcess';

const citizenBooth = await inProcessBooth();

/** A stand-in for the technician contract that lands with its issue: one call, one event. */
const technician = defineContract('technician', {
  calls: {
    'status.get': call(z.object({ verbose: z.boolean().optional() }).strict(), z.object({ uptimeSec: z.int().min(0) }).strict(), {
      timeoutMs: 2_500,
    }),
  },
  events: { 'status.changed': z.object({ healthy: z.boolean() }).strict() },
});

function loopback(dispatch: Dispatch, timeouts: number[]): ContractTransport & { emit(event: string, payload: unknown): void } {
  const listeners = new Set<(event: string, payload: unknown) => void>();
  let id = 1;
  return {
    call: async (method, params, timeoutMs) => {
      timeouts.push(timeoutMs ?? -1);
      return (await dispatch({ type: 'call', id: id++, method, params })).result;
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (event, payload) => listeners.forEach((listener) => listener(event, payload)),
  };
}

describe('contract kit', () => {
  const technicianDispatch = createContractDispatcher(technician, { 'status.get': ({ verbose }) => ok({ uptimeSec: verbose ? 42 : 41 }) });
  const citizenDispatch = createDispatcher(citizenBooth.booth.handlers);

  it('a contract gets its own dispatcher, which checks parameters as the citizen one does', async () => {
    expect((await technicianDispatch({ type: 'call', id: 1, method: 'status.get', params: { verbose: true } })).result).toEqual({
      ok: true,
      value: { uptimeSec: 42 },
    });
    expect((await technicianDispatch({ type: 'call', id: 2, method: 'status.get', params: { verbose: 'yes' } })).result).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
  });

  it("neither channel answers the other audience's methods", async () => {
    expect((await citizenDispatch({ type: 'call', id: 1, method: 'status.get', params: {} })).result).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_METHOD' },
    });
    expect((await technicianDispatch({ type: 'call', id: 1, method: 'session.start', params: {} })).result).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_METHOD' },
    });
    expect((await technicianDispatch({ type: 'call', id: 1, method: 'booth.info', params: {} })).result).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_METHOD' },
    });
  });

  it("a client built from the contract passes each method's timeout to the transport and checks answers and events", async () => {
    const timeouts: number[] = [];
    const transport = loopback(technicianDispatch, timeouts);
    const client = createContractClient(technician, transport);
    expect(await client.status.get({ verbose: false })).toEqual({ ok: true, value: { uptimeSec: 41 } });
    expect(timeouts).toEqual([2_500]);
    const seen: boolean[] = [];
    client.on('status.changed', (payload) => seen.push(payload.healthy));
    transport.emit('status.changed', { healthy: true });
    transport.emit('status.changed', { healthy: 'very' });
    transport.emit('session.changed', null);
    expect(seen).toEqual([true]);
  });
});
