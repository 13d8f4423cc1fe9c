// Hostile clients against the real host on 127.0.0.1: refused upgrades that
// are reset before the answer, a bounded handshake fuzz (aborted, reset and
// half-open upgrades with wrong Host, Origin, path and token), stalled
// frames that would fill the client cap, and concurrent upgrades racing the
// cap. After each, the host is still up, serves HTTP and accepts the page.
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../src/shared/contract/websocket';
import { MAX_CLIENTS } from '../../src/host/server';
import { callMethod, connectContract, openContract } from '../support/contractClient';
import { startTestBooth, type TestBooth } from '../support/host';

const HEARTBEAT_MS = 200;
const HANDSHAKE_MS = 400;
let booth: TestBooth;

beforeAll(async () => {
  booth = await startTestBooth({}, { heartbeatMs: HEARTBEAT_MS, handshakeTimeoutMs: HANDSHAKE_MS, ownerGraceMs: 300 });
});
afterAll(async () => {
  await booth?.close();
});

interface Handshake {
  host?: string | null;
  path?: string;
  origin?: string | null;
  token?: string | null;
}

function upgradeRequest({ host, path = '/contract', origin, token }: Handshake): string {
  const lines = [`GET ${path} HTTP/1.1`];
  const hostHeader = host === undefined ? `127.0.0.1:${booth.host.port}` : host;
  if (hostHeader !== null) lines.push(`Host: ${hostHeader}`);
  const originHeader = origin === undefined ? booth.host.origin : origin;
  if (originHeader !== null) lines.push(`Origin: ${originHeader}`);
  const tokenValue = token === undefined ? booth.host.token : token;
  lines.push('Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==');
  lines.push(`Sec-WebSocket-Protocol: ${CONTRACT_PROTOCOL}${tokenValue === null ? '' : `, ${TOKEN_PROTOCOL_PREFIX}${tokenValue}`}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function rawSocket(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(booth.host.port, '127.0.0.1', () => resolve(socket));
    socket.on('error', () => undefined); // resets are what these tests do
    socket.resume(); // read what the host answers, so its closing is seen
    socket.once('error', reject);
  });
}

function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.closed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function getStatus(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: booth.host.port, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function expectHostServing(): Promise<void> {
  expect(await getStatus('/')).toBe(200);
  const page = await openContract(booth.host);
  expect(await callMethod(page, 'booth.info')).toMatchObject({ ok: true });
  expect(await callMethod(page, 'session.start', { language: 'en' })).toMatchObject({ ok: true });
  expect(await callMethod(page, 'session.wipe', { reason: 'cancel' })).toMatchObject({ ok: true });
  await page.close();
}

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('refused upgrades', () => {
  it.each([
    ['a foreign Host (421)', { host: 'evil.test' }],
    ['a wrong path (404)', { path: '/admin' }],
    ['a foreign Origin (403)', { origin: 'http://evil.test' }],
    ['a wrong token (401)', { token: 'ab'.repeat(24) }],
  ])('a client that resets the connection after asking with %s does not end the host', async (_name, handshake) => {
    for (let i = 0; i < 10; i++) {
      const socket = await rawSocket();
      socket.write(upgradeRequest(handshake));
      socket.resetAndDestroy();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await expectHostServing();
  });
});

describe('handshake fuzz', () => {
  it('survives 400 aborted, reset and half-open upgrades and closes each on its own', async () => {
    const random = seeded(9);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const port = booth.host.port;
    const hosts = [undefined, 'evil.test', `localhost:${port}`, null, `127.0.0.1:${port + 1}`];
    const origins = [undefined, 'http://evil.test', null, `http://localhost:${port}`];
    const tokens = [undefined, 'ab'.repeat(24), null, 'x'];
    const paths = ['/contract', '/', '/contract/../x', `/contract?${'a'.repeat(50)}`];
    const endings = ['reset', 'reset-later', 'half-close', 'leave', 'garbage'] as const;
    const started = Date.now();
    let notClosed = 0;
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          const text = upgradeRequest({ host: pick(hosts), origin: pick(origins), token: pick(tokens), path: pick(paths) });
          // Half the requests are cut short: the headers never end.
          const sent = random() < 0.5 ? text.slice(0, Math.floor(random() * text.length)) : text;
          const ending = pick(endings);
          const socket = await rawSocket();
          if (sent) socket.write(sent);
          if (ending === 'reset') socket.resetAndDestroy();
          else if (ending === 'reset-later') setTimeout(() => socket.resetAndDestroy(), random() * 30);
          else if (ending === 'half-close') socket.end();
          else if (ending === 'garbage') socket.write(Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))));
          // 'leave': the host must close it (refused, handshake timeout, or no pong).
          if (!(await closedWithin(socket, HANDSHAKE_MS * 3 + HEARTBEAT_MS * 3))) notClosed++;
          socket.destroy();
        }),
      );
    }
    expect(notClosed).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    await expectHostServing();
  }, 40_000);
});

describe('stalled and racing connections', () => {
  it('ends sockets stalled in the middle of a frame, so they cannot hold the client cap', async () => {
    const stalled: Socket[] = [];
    for (let i = 0; i < MAX_CLIENTS; i++) {
      const socket = await rawSocket();
      const upgraded = new Promise<string>((resolve) => socket.once('data', (data) => resolve(String(data))));
      socket.write(upgradeRequest({}));
      expect(await upgraded).toMatch(/^HTTP\/1\.1 101/);
      // A masked binary frame announcing 1 MiB (127 + 64-bit length), then 6 bytes of it.
      const header = Buffer.from([0x82, 0x80 | 127, 0, 0, 0, 0, 0, 0x10, 0, 0, 1, 2, 3, 4]);
      socket.write(Buffer.concat([header, Buffer.from('abcdef')]));
      stalled.push(socket);
    }
    expect(await connectContract(booth.host)).toMatchObject({ status: 503, body: { error: { code: 'BUSY' } } });
    const closed = await Promise.all(stalled.map((socket) => closedWithin(socket, HEARTBEAT_MS * 5)));
    expect(closed).toEqual(stalled.map(() => true));
    await expectHostServing();
  });

  it('lets no more than the cap through when upgrades arrive together', async () => {
    const attempts = await Promise.all(Array.from({ length: 3 * MAX_CLIENTS }, () => connectContract(booth.host)));
    const opened = attempts.filter((a) => 'ws' in a);
    expect(opened).toHaveLength(MAX_CLIENTS);
    expect(attempts.filter((a) => 'status' in a && a.status === 503)).toHaveLength(2 * MAX_CLIENTS);
    await Promise.all(opened.map((a) => ('ws' in a ? a.close() : undefined)));
    await expectHostServing();
  });
});
