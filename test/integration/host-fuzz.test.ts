// Hostile clients against the real host on 127.0.0.1: refused upgrades that
// are reset before the answer, a bounded handshake fuzz (aborted, reset and
// half-open upgrades with wrong Host, Origin, path and token), stalled
// frames, a fragmented message held open between pongs, and idle connections
// filling every slot. After each, the host is still up, serves HTTP and
// accepts the page.
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../src/shared/contract/websocket';
import { MAX_CLIENTS } from '../../src/host/server';
import WebSocket from 'ws';
import { callMethod, openContract, type Opened } from '../support/contractClient';
import { startTestBooth, type TestBooth } from '../support/host';
import { seededRandom } from '../support/seededRandom';

const HEARTBEAT_MS = 200;
const HANDSHAKE_MS = 400;
const INCOMPLETE_MS = 800;
let booth: TestBooth;

beforeAll(async () => {
  booth = await startTestBooth(
    {},
    { heartbeatMs: HEARTBEAT_MS, handshakeTimeoutMs: HANDSHAKE_MS, ownerGraceMs: 300, incompleteMessageMs: INCOMPLETE_MS },
  );
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
    const random = seededRandom(9);
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

/** An upgraded raw socket (the 101 read and dropped) that answers every ping the way a live client would. */
async function upgradedAnsweringPings(): Promise<Socket> {
  const socket = await rawSocket();
  let buffered = Buffer.alloc(0);
  let upgraded = false;
  const opened = new Promise<void>((resolve) => {
    socket.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      if (!upgraded) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        expect(buffered.subarray(0, end).toString()).toMatch(/^HTTP\/1\.1 101/);
        buffered = buffered.subarray(end + 4);
        upgraded = true;
        resolve();
      }
      // Server frames are unmasked; a ping (0x89) with a short payload is answered by a masked pong (0x8A) with the same payload.
      while (buffered.length >= 2 && buffered.length >= 2 + (buffered[1]! & 0x7f)) {
        const length = buffered[1]! & 0x7f;
        if (buffered[0] === 0x89)
          socket.write(Buffer.concat([Buffer.from([0x8a, 0x80 | length, 0, 0, 0, 0]), buffered.subarray(2, 2 + length)]));
        buffered = buffered.subarray(2 + length);
      }
    });
  });
  socket.write(upgradeRequest({}));
  await opened;
  return socket;
}

describe('stalled and idle connections', () => {
  it('ends sockets stalled in the middle of a frame, and lets the page in while they hold every slot', async () => {
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
    const page = await openContract(booth.host);
    expect(await callMethod(page, 'booth.info')).toMatchObject({ ok: true });
    const closed = await Promise.all(stalled.map((socket) => closedWithin(socket, HEARTBEAT_MS * 5)));
    expect(closed).toEqual(stalled.map(() => true));
    await page.close();
    await expectHostServing();
  });

  it('ends a connection that keeps a fragmented message open while answering every ping', async () => {
    const idle = await upgradedAnsweringPings();
    const holding = await upgradedAnsweringPings();
    // The first fragment of a text message (FIN clear, masked with a zero key); the final one never comes.
    holding.write(Buffer.from([0x01, 0x80 | 3, 0, 0, 0, 0, 0x61, 0x62, 0x63]));
    expect(await closedWithin(holding, INCOMPLETE_MS + HEARTBEAT_MS * 4)).toBe(true);
    expect(booth.logText()).toContain('"event":"contract.message_stalled"');
    // Pongs alone are a healthy idle client: left open past the limit and several pings.
    expect(await closedWithin(idle, INCOMPLETE_MS)).toBe(false);
    idle.destroy();
    await expectHostServing();
  });

  it('when idle connections hold every slot, a new one replaces the oldest that does not own the session', async () => {
    const owner = await openContract(booth.host);
    expect(await callMethod(owner, 'session.start', { language: 'en' })).toMatchObject({ ok: true });
    const idle: Opened[] = [];
    for (let i = 1; i < MAX_CLIENTS; i++) idle.push(await openContract(booth.host));
    const oldestIdleClosed = new Promise<void>((resolve) => idle[0]!.ws.once('close', () => resolve()));

    const page = await openContract(booth.host);
    await oldestIdleClosed;
    expect(booth.logText()).toContain('"event":"contract.replaced"');
    expect(idle.slice(1).map((client) => client.ws.readyState)).toEqual(idle.slice(1).map(() => WebSocket.OPEN));
    expect(await callMethod(page, 'booth.info')).toMatchObject({ ok: true });
    // The owner kept its slot and its session.
    expect(await callMethod(owner, 'session.get')).toMatchObject({ ok: true, value: { step: 'language' } });

    expect(await callMethod(owner, 'session.wipe', { reason: 'cancel' })).toMatchObject({ ok: true });
    await Promise.all([owner, page, ...idle.slice(1)].map((client) => client.close()));
    await expectHostServing();
  });
});
