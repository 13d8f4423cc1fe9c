// The headless host over real loopback sockets: who may connect, what a bad
// message gets back, and that a refused call leaves the connection and the
// booth working.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectContract, openContract, type ConnectOptions, type Opened } from '../support/contractClient';
import { CONTRACT_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../src/shared/contract/websocket';
import { startTestBooth, type TestBooth } from '../support/host';
import { HARD_FRAME_CAP } from '../../src/host/server';

let booth: TestBooth;

beforeAll(async () => {
  booth = await startTestBooth();
});
afterAll(async () => {
  await booth?.close();
});

function connect(options: ConnectOptions = {}) {
  return connectContract(booth.host, options);
}

function open(): Promise<Opened> {
  return openContract(booth.host);
}

describe('who may connect', () => {
  it('accepts the served page origin with this launch token, and picks the contract protocol only', async () => {
    const { ws, call } = await open();
    expect(ws.protocol).toBe(CONTRACT_PROTOCOL);
    expect(await call({ type: 'call', id: 1, method: 'booth.info', params: {} })).toMatchObject({ id: 1, result: { ok: true } });
    ws.close();
  });

  it.each([
    ['no token', { token: null }, 401, 'UNAUTHORIZED'],
    ['a wrong token', { token: 'ab'.repeat(24) }, 401, 'UNAUTHORIZED'],
    ['a token of another length', { token: 'abc' }, 401, 'UNAUTHORIZED'],
    ['another origin', { origin: 'http://evil.example' }, 403, 'FORBIDDEN_ORIGIN'],
    ['no origin at all', { origin: null }, 403, 'FORBIDDEN_ORIGIN'],
  ])('refuses %s with a typed error', async (_name, options, status, code) => {
    const refused = await connect(options);
    expect(refused).toMatchObject({ status, body: { ok: false, error: { code } } });
  });

  it('refuses localhost as origin, a foreign Host header and a wrong path', async () => {
    expect(await connect({ origin: `http://localhost:${booth.host.port}` })).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN_ORIGIN' } },
    });
    const refusal = (path: string, host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({
          host: '127.0.0.1',
          port: booth.host.port,
          path,
          headers: {
            host,
            origin: booth.host.origin,
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-version': '13',
            'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
            'sec-websocket-protocol': `${CONTRACT_PROTOCOL}, ${TOKEN_PROTOCOL_PREFIX}${booth.host.token}`,
          },
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('upgrade', () => reject(new Error('upgrade accepted')));
        req.on('error', reject);
        req.end();
      });
    const rebinding = await refusal('/contract', `attacker.example:${booth.host.port}`);
    expect(rebinding.status).toBe(421);
    expect(JSON.parse(rebinding.body)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_ORIGIN' } });
    const wrongPath = await refusal('/admin', `127.0.0.1:${booth.host.port}`);
    expect(wrongPath.status).toBe(404);
    expect(JSON.parse(wrongPath.body)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('bad messages', () => {
  it('answers each with a typed error and keeps the connection working', async () => {
    const { ws, call, next } = await open();
    const cases: Array<[unknown, string, number | null]> = [
      ['{not json', 'BAD_REQUEST', null],
      [[1, 2, 3], 'BAD_REQUEST', null],
      [{ type: 'call', id: 2, method: 'session.format', params: {} }, 'UNKNOWN_METHOD', 2],
      [{ type: 'call', id: 3, method: 'session.submitPhone', params: { phone: ['0812'] } }, 'BAD_REQUEST', 3],
      [{ type: 'call', id: 4, method: 'session.submitPhone', params: { phone: '081234567890' } }, 'NO_SESSION', 4],
      [{ type: 'call', id: 5, method: 'session.submitPhone', params: { phone: 'x'.repeat(100_000) } }, 'PAYLOAD_TOO_LARGE', null],
    ];
    for (const [message, code, id] of cases) {
      expect(await call(message)).toMatchObject({ type: 'result', id, result: { ok: false, error: { code } } });
    }
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await next()).toMatchObject({ id: null, result: { ok: false, error: { code: 'BAD_REQUEST' } } });
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(await call({ type: 'call', id: 7, method: 'session.start', params: { language: 'en' } })).toMatchObject({
      id: 7,
      result: { ok: true, value: { step: 'language' } },
    });
    ws.close();
  });

  it('closes a socket that sends a frame past the hard cap, and the next connection works', async () => {
    const { ws } = await open();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(HARD_FRAME_CAP + 1));
    expect(await closed).toBe(1009);
    const again = await open();
    expect(await again.call({ type: 'call', id: 1, method: 'booth.info', params: {} })).toMatchObject({ result: { ok: true } });
    again.ws.close();
  });

  it('sends session events to the connected page', async () => {
    booth.booth.session.wipe('cancel');
    const { ws, call, events } = await open();
    await call({ type: 'call', id: 1, method: 'session.start', params: {} });
    await call({ type: 'call', id: 2, method: 'session.wipe', params: { reason: 'cancel' } });
    const seen = [...events];
    expect(seen).toHaveLength(3);
    expect(seen[0]).toMatchObject({ type: 'event', event: 'session.changed', payload: { step: 'language' } });
    expect(seen).toContainEqual({ type: 'event', event: 'session.wiped', payload: { reason: 'cancel' } });
    expect(seen).toContainEqual({ type: 'event', event: 'session.changed', payload: null });
    ws.close();
  });
});

describe('HTTP', () => {
  function get(
    path: string,
    host = `127.0.0.1:${booth.host.port}`,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: booth.host.port, path, headers: { host } }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('serves the renderer with a strict CSP that allows only this host for the contract', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.headers['content-security-policy']).toContain(`connect-src 'self' ws://127.0.0.1:${booth.host.port}`);
    expect(page.headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves nothing outside the renderer folder and refuses foreign Host headers', async () => {
    expect((await get('/../package.json')).status).toBe(404);
    expect((await get('/%2e%2e/%2e%2e/package.json')).status).toBe(404);
    expect((await get('/%00')).status).toBe(400);
    expect((await get('/', 'evil.example')).status).toBe(421);
    const viaLocalhost = await get('/', `localhost:${booth.host.port}`);
    expect(viaLocalhost.status).toBe(421);
    expect(viaLocalhost.body).toContain(`served only at http://127.0.0.1:${booth.host.port}/`);
  });
});
