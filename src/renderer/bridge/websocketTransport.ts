// The contract over the headless host's WebSocket. Calls time out, a lost
// connection fails every pending call at once, and reconnection is bounded.
// Each page names a random instance id, kept in this module's memory only:
// the host gives a dropped connection's citizen session back to the same
// page, never to a reloaded or another one.
import type { ContractTransport } from '../../shared/contract/client';
import { callTimeoutMs } from '../../shared/contract/contract';
import { eventEnvelopeSchema, resultEnvelopeSchema } from '../../shared/contract/envelope';
import { encodeCallFrame, type CallFrame } from '../../shared/contract/frames';
import { fail, type Result } from '../../shared/contract/result';
import { CONTRACT_PATH, CONTRACT_PROTOCOL, INSTANCE_PROTOCOL_PREFIX, TOKEN_PROTOCOL_PREFIX } from '../../shared/contract/websocket';

/** 'in-use': connected, but another page owns the citizen session (./ownership.ts). */
export type ConnectionStatus = 'connecting' | 'open' | 'lost' | 'gave-up' | 'in-use';

const MAX_RECONNECTS = 30;

export interface WebSocketTransport extends ContractTransport {
  onStatus(listener: (status: ConnectionStatus) => void): void;
}

export function createWebSocketTransport(host: string, token: string, instanceId = newPageInstanceId()): WebSocketTransport {
  const url = `ws://${host}${CONTRACT_PATH}`;
  const pending = new Map<number, { resolve: (result: Result<unknown>) => void; timer: ReturnType<typeof setTimeout> }>();
  const eventListeners = new Set<(event: string, payload: unknown) => void>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  /** Calls made while the socket was not open, sent once it opens. */
  const queue = new Map<number, CallFrame>();
  let socket: WebSocket;
  let nextId = 1;
  let reconnects = 0;

  const setStatus = (status: ConnectionStatus) => statusListeners.forEach((listener) => listener(status));

  function open() {
    setStatus('connecting');
    socket = new WebSocket(url, [CONTRACT_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`, `${INSTANCE_PROTOCOL_PREFIX}${instanceId}`]);
    socket.onopen = () => {
      reconnects = 0;
      setStatus('open');
      for (const frame of queue.values()) sendAndZero(frame);
      queue.clear();
    };
    socket.onmessage = (message) => onMessage(String(message.data));
    socket.onclose = () => {
      // A call that failed must never be replayed later: the citizen was told it failed.
      for (const frame of queue.values()) zeroFrame(frame);
      queue.clear();
      for (const [id, call] of pending) {
        clearTimeout(call.timer);
        call.resolve(fail('TRANSPORT_CLOSED', 'The connection to the booth was lost.'));
        pending.delete(id);
      }
      if (reconnects >= MAX_RECONNECTS) {
        setStatus('gave-up');
        return;
      }
      setStatus('lost');
      const delay = Math.min(5_000, 250 * 2 ** reconnects++);
      setTimeout(open, delay);
    };
  }

  /**
   * A binary frame holds the citizen's pictures. send() takes its own copy
   * of an ArrayBufferView's bytes before it returns (WHATWG WebSockets: send
   * gets "a copy of the bytes held by the buffer source"; web-platform-tests
   * websockets/send-data-isolation), so the page's copy is overwritten at once.
   */
  function sendAndZero(frame: CallFrame) {
    socket.send(frame);
    zeroFrame(frame);
  }

  function onMessage(text: string) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      return;
    }
    const result = resultEnvelopeSchema.safeParse(data);
    if (result.success && result.data.id !== null) {
      const call = pending.get(result.data.id);
      if (call) {
        clearTimeout(call.timer);
        pending.delete(result.data.id);
        call.resolve(result.data.result);
      }
      return;
    }
    const event = eventEnvelopeSchema.safeParse(data);
    if (event.success) eventListeners.forEach((listener) => listener(event.data.event, event.data.payload));
  }

  open();

  return {
    call(method, params, timeoutMs = callTimeoutMs(method)) {
      const id = nextId++;
      const frame = encodeCallFrame({ type: 'call', id, method, params });
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          const unsent = queue.get(id);
          if (unsent !== undefined) zeroFrame(unsent);
          queue.delete(id);
          resolve(fail('TIMEOUT', `The booth did not answer ${method} in time.`));
        }, timeoutMs);
        pending.set(id, { resolve, timer });
        if (socket.readyState === WebSocket.OPEN) sendAndZero(frame);
        else queue.set(id, frame);
      });
    },
    subscribe(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
    },
  };
}

/** Overwrites an encoded call's bytes (a text call holds no pictures). */
export function zeroFrame(frame: CallFrame): void {
  if (typeof frame !== 'string') frame.fill(0);
}

/** 128 random bits as hex: names this page, not the citizen; lives in memory only. */
export function newPageInstanceId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
