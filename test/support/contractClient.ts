// A contract client over a real WebSocket to the headless host, as the
// renderer would open it (origin, token and optional page instance), for
// the host's integration tests: raw envelopes, or the typed client on top.
import WebSocket from 'ws';
import { createBoothClient, type BoothClient } from '../../src/shared/contract/client';
import type { Result } from '../../src/shared/contract/result';
import { CONTRACT_PROTOCOL, INSTANCE_PROTOCOL_PREFIX, TOKEN_PROTOCOL_PREFIX } from '../../src/shared/contract/websocket';
import type { RunningHost } from '../../src/host/server';

export interface Opened {
  ws: WebSocket;
  /** Sends a message and waits for the next result envelope. */
  call(message: unknown): Promise<Record<string, unknown>>;
  /** The next result envelope, without sending. */
  next(): Promise<Record<string, unknown>>;
  /** Event envelopes received so far. */
  events: Array<Record<string, unknown>>;
  /** Calls `listener` with each event from now on; answers the function that stops it. */
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
  /** Closes and waits until the host's side is closed too. */
  close(): Promise<void>;
}

export interface Refused {
  status: number;
  body: Record<string, unknown>;
}

export interface ConnectOptions {
  token?: string | null;
  origin?: string | null;
  /** The page instance id to name (32 hex digits). */
  instance?: string;
}

export function connectContract(host: RunningHost, options: ConnectOptions = {}): Promise<Opened | Refused> {
  const token = options.token === undefined ? host.token : options.token;
  const protocols = [CONTRACT_PROTOCOL];
  if (token !== null) protocols.push(`${TOKEN_PROTOCOL_PREFIX}${token}`);
  if (options.instance) protocols.push(`${INSTANCE_PROTOCOL_PREFIX}${options.instance}`);
  const origin = options.origin === undefined ? host.origin : options.origin;
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/contract`, protocols, origin === null ? {} : { origin });
  const inbox: Array<Record<string, unknown>> = [];
  const events: Array<Record<string, unknown>> = [];
  const waiters: Array<(message: Record<string, unknown>) => void> = [];
  const listeners = new Set<(event: string, payload: unknown) => void>();
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>;
    if (message['type'] === 'event') {
      events.push(message);
      for (const listener of listeners) listener(String(message['event']), message['payload']);
      return;
    }
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else inbox.push(message);
  });
  const next = () => new Promise<Record<string, unknown>>((resolve) => (inbox.length ? resolve(inbox.shift()!) : waiters.push(resolve)));
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    ws.once('open', () =>
      resolve({
        ws,
        next,
        events,
        onEvent: (listener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        call: async (message) => {
          ws.send(typeof message === 'string' ? message : JSON.stringify(message));
          return next();
        },
        close: async () => {
          ws.close();
          await closed;
        },
      }),
    );
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) as Record<string, unknown> }));
    });
    ws.once('error', (error) => reject(error));
  });
}

export async function openContract(host: RunningHost, options: ConnectOptions = {}): Promise<Opened> {
  const connection = await connectContract(host, options);
  if (!('ws' in connection)) throw new Error(`refused: ${connection.status} ${JSON.stringify(connection.body)}`);
  return connection;
}

let nextId = 1;

/** One contract call; answers its result. */
export async function callMethod(
  client: Opened,
  method: string,
  params: object = {},
): Promise<{ ok: boolean; value?: unknown; error?: { code: string; reason?: string } }> {
  const reply = await client.call({ type: 'call', id: nextId++, method, params });
  return reply['result'] as { ok: boolean; value?: unknown; error?: { code: string; reason?: string } };
}

/** The citizen contract's typed client over an opened connection: answers and events checked as the renderer checks them. */
export function boothClientOver(connection: Opened): BoothClient {
  return createBoothClient({
    call: async (method, params) => (await connection.call({ type: 'call', id: nextId++, method, params }))['result'] as Result<unknown>,
    subscribe: (listener) => connection.onEvent(listener),
  });
}
