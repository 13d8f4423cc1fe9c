// The renderer's WebSocket transport against a real WebSocket server on
// 127.0.0.1: a call with pictures is one binary frame, its bytes arrive
// intact, and the page's copy of the encoded frame is zeroed once sent (also
// when it waited for the socket to open). The transport runs in Node here
// with the ws client in the browser WebSocket's place; that send() copies
// the bytes at once is the browser's part (checked in Chromium by
// test/e2e/host-reload.test.ts).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { decodeCallFrame } from '../../src/shared/contract/frames';
import { INSTANCE_ID_PATTERN, INSTANCE_PROTOCOL_PREFIX } from '../../src/shared/contract/websocket';
import { createWebSocketTransport } from '../../src/renderer/bridge/websocketTransport';

const sentByPage: Array<string | Uint8Array> = [];
/** Methods the server answers only after SLOW_ANSWER_MS. */
const slowMethods = new Set<string>();
const SLOW_ANSWER_MS = 600;
const received: Array<{ envelope: unknown; protocols: string[] }> = [];
let server: WebSocketServer;
let port = 0;

/** The ws client as the page's WebSocket, remembering what the transport handed to send(). */
class PageWebSocket extends WebSocket {
  override send(data: string | Uint8Array): void {
    sentByPage.push(data);
    super.send(data);
  }
}

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as { port: number }).port;
  server.on('connection', (ws, request) => {
    const protocols = String(request.headers['sec-websocket-protocol'])
      .split(',')
      .map((p) => p.trim());
    ws.on('message', (data, isBinary) => {
      const frame = decodeCallFrame(isBinary ? new Uint8Array(data as Buffer) : String(data));
      if (!frame.ok) throw new Error(frame.message);
      received.push({ envelope: frame.envelope, protocols });
      const { id, method } = frame.envelope as { id: number; method: string };
      const answer = () => ws.send(JSON.stringify({ type: 'result', id, result: { ok: true, value: null } }));
      // A slow answer, as from a card read that takes its time.
      if (slowMethods.has(method)) setTimeout(answer, SLOW_ANSWER_MS);
      else answer();
    });
  });
  (globalThis as { WebSocket?: unknown }).WebSocket = PageWebSocket;
});
afterEach(() => {
  slowMethods.clear();
  sentByPage.length = 0;
  received.length = 0;
});
afterAll(async () => {
  delete (globalThis as { WebSocket?: unknown }).WebSocket;
  for (const client of server.clients) client.terminate();
  await new Promise((resolve) => server.close(resolve));
});

const picture = () => Uint8Array.from({ length: 3000 }, (_, i) => (i * 7 + 1) % 251);

describe('renderer WebSocket transport', () => {
  it('zeroes a picture frame once sent, queued before the socket opened or sent at once, and the bytes arrive intact', async () => {
    const transport = createWebSocketTransport(`127.0.0.1:${port}`, 'ab'.repeat(24));
    // The socket is still connecting: this call waits in the queue.
    const queued = transport.call('face.submitCapture', { still: { jpeg: picture(), width: 64, height: 64 } });
    expect(await queued).toEqual({ ok: true, value: null });
    const direct = await transport.call('face.submitCapture', { still: { jpeg: picture(), width: 64, height: 64 } });
    expect(direct).toEqual({ ok: true, value: null });

    const binary = sentByPage.filter((data): data is Uint8Array => typeof data !== 'string');
    expect(binary).toHaveLength(2);
    for (const frame of binary) expect(frame.every((byte) => byte === 0)).toBe(true);
    for (const { envelope } of received) {
      const still = (envelope as { params: { still: { jpeg: Uint8Array } } }).params.still;
      expect(Buffer.from(still.jpeg).equals(Buffer.from(picture()))).toBe(true);
    }
  });

  it('names one random page instance for all its connections, and text calls are left alone', async () => {
    const transport = createWebSocketTransport(`127.0.0.1:${port}`, 'ab'.repeat(24));
    expect(await transport.call('booth.info', {})).toEqual({ ok: true, value: null });
    const instance = received[0]!.protocols.find((p) => p.startsWith(INSTANCE_PROTOCOL_PREFIX))!.slice(INSTANCE_PROTOCOL_PREFIX.length);
    expect(instance).toMatch(INSTANCE_ID_PATTERN);
    expect(sentByPage[0]).toContain('"booth.info"');
    const other = createWebSocketTransport(`127.0.0.1:${port}`, 'ab'.repeat(24));
    await other.call('booth.info', {});
    expect(received[1]!.protocols.join()).not.toContain(instance);
  });

  it("waits for each method as long as the contract's timeout for it says, and answers TIMEOUT past it", async () => {
    // The timeouts the client hands over from the contract, shortened for the test: card.read waits longer than the other calls.
    const transport = createWebSocketTransport(`127.0.0.1:${port}`, 'ab'.repeat(24));
    slowMethods.add('card.read');
    slowMethods.add('session.get');
    const [read, get] = await Promise.all([transport.call('card.read', {}, 2_000), transport.call('session.get', {}, 200)]);
    expect(read).toEqual({ ok: true, value: null });
    expect(get).toMatchObject({ ok: false, error: { code: 'TIMEOUT', message: 'The booth did not answer session.get in time.' } });
  });
});
