// The fault-injecting proxy itself (test/support/faultProxy.ts), between
// Node's fetch and a real HTTP upstream on 127.0.0.1: for each fault, what
// the client sees and how many requests the upstream really received. The
// sync tests build on those counts (lost answer: 1, duplicate: 2, refused: 0).
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { seededFaultPlan, startFaultProxy, type Fault, type FaultKind, type FaultPlan, type FaultProxy } from '../../support/faultProxy';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface Upstream {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/** Counts what it receives and answers with the count, the path and a digest of the body (JSON, with two x-multi headers). */
async function startUpstream(): Promise<Upstream> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ method: request.method!, path: request.url!, headers: request.headers, body });
      const answer = JSON.stringify({
        count: received.length,
        method: request.method,
        path: request.url,
        bytes: body.length,
        sha256: createHash('sha256').update(body).digest('hex'),
        // Long enough that half of it is a visible cut.
        padding: 'x'.repeat(2_000),
      });
      response.setHeader('x-multi', ['one', 'two']);
      response.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'reference' }).end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(plan: FaultPlan | Fault): Promise<{ upstream: Upstream; proxy: FaultProxy }> {
  const upstream = await startUpstream();
  cleanups.push(upstream.close);
  const proxy = await startFaultProxy({ target: upstream.url, plan: typeof plan === 'function' ? plan : () => plan });
  cleanups.push(proxy.close);
  return { upstream, proxy };
}

const record = { kind: 'enrollment', id: 'BOOTH-TEST-01/000042', nik: '3171234567890001' };

function post(proxy: FaultProxy, body: string | Buffer = JSON.stringify(record), path = '/v1/records'): Promise<Response> {
  return fetch(proxy.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'key-42', 'x-booth-id': 'BOOTH-TEST-01' },
    // A copy: fetch's types take a Uint8Array over an ArrayBuffer, which a Buffer from the pool is not.
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
}

describe('fault proxy', () => {
  it('pass: forwards method, path, headers and body as sent, and the answer as answered', async () => {
    const { upstream, proxy } = await setUp({ kind: 'pass' });
    const response = await post(proxy, JSON.stringify(record), '/v1/records?batch=7');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-upstream')).toBe('reference');
    expect(response.headers.get('x-multi')).toBe('one, two');
    const text = await response.text();
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(JSON.parse(text)).toMatchObject({ count: 1, method: 'POST', path: '/v1/records?batch=7', bytes: JSON.stringify(record).length });
    expect(upstream.received).toHaveLength(1);
    const [seen] = upstream.received;
    expect(JSON.parse(seen!.body.toString())).toEqual(record);
    expect(seen!.headers).toMatchObject({
      'content-type': 'application/json',
      'idempotency-key': 'key-42',
      'x-booth-id': 'BOOTH-TEST-01',
      'content-length': String(JSON.stringify(record).length),
      host: `127.0.0.1:${proxy.port}`,
    });
    expect(seen!.headers['transfer-encoding']).toBeUndefined();
    expect(proxy.requests).toBe(1);
    expect(proxy.faultsApplied).toEqual({ pass: 1 });
  });

  it('pass: a GET without a body gets no content-length, a streamed body gets one', async () => {
    const { upstream, proxy } = await setUp({ kind: 'pass' });
    expect((await fetch(`${proxy.url}/v1/checkpoint`)).status).toBe(200);
    expect(upstream.received[0]!.headers['content-length']).toBeUndefined();
    const streamed = new Blob([randomBytes(10_000)]).stream();
    const response = await fetch(`${proxy.url}/v1/upload`, { method: 'PUT', body: streamed, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(200);
    expect(upstream.received[1]!.headers).toMatchObject({ 'content-length': '10000' });
    expect(upstream.received[1]!.headers['transfer-encoding']).toBeUndefined();
  });

  it('delay: answers after the delay, forwarded once', async () => {
    const { upstream, proxy } = await setUp({ kind: 'delay', ms: 300 });
    const started = Date.now();
    const response = await post(proxy);
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(upstream.received).toHaveLength(1);
  });

  it('refuse: fetch rejects and the upstream receives nothing', async () => {
    const { upstream, proxy } = await setUp({ kind: 'refuse' });
    await expect(post(proxy)).rejects.toThrow();
    expect(upstream.received).toHaveLength(0);
    expect(proxy.faultsApplied).toEqual({ refuse: 1 });
  });

  it('reset-mid-request: fetch of a 1 MB body rejects and the upstream receives nothing', async () => {
    const { upstream, proxy } = await setUp({ kind: 'reset-mid-request' });
    await expect(post(proxy, randomBytes(1024 * 1024))).rejects.toThrow();
    // A small body, all of it in the first chunk: the same.
    await expect(post(proxy)).rejects.toThrow();
    expect(upstream.received).toHaveLength(0);
  });

  it.each([
    [503, '2'],
    [429, 'Wed, 21 Oct 2026 07:28:00 GMT'],
    [500, undefined],
  ])('status %i: answered by the proxy with Retry-After %s, nothing forwarded', async (status, retryAfter) => {
    const { upstream, proxy } = await setUp(retryAfter === undefined ? { kind: 'status', status } : { kind: 'status', status, retryAfter });
    const response = await post(proxy);
    expect(response.status).toBe(status);
    expect(response.headers.get('retry-after')).toBe(retryAfter ?? null);
    expect(await response.json()).toMatchObject({ error: { code: 'PROXY_FAULT' } });
    expect(upstream.received).toHaveLength(0);
  });

  it('lose-response: fetch rejects, yet the upstream did the work', async () => {
    const { upstream, proxy } = await setUp({ kind: 'lose-response' });
    await expect(post(proxy)).rejects.toThrow();
    expect(upstream.received).toHaveLength(1);
  });

  it('reset-mid-response: reading the answer fails, and the upstream did the work', async () => {
    const { upstream, proxy } = await setUp({ kind: 'reset-mid-response' });
    await expect(post(proxy).then((response) => response.arrayBuffer())).rejects.toThrow();
    expect(upstream.received).toHaveLength(1);
  });

  it('truncate-response: the status and full content-length arrive, the body does not', async () => {
    const { upstream, proxy } = await setUp({ kind: 'truncate-response' });
    const response = await post(proxy);
    expect(response.status).toBe(200);
    const announced = Number(response.headers.get('content-length'));
    expect(announced).toBeGreaterThan(2_000);
    const body = await response.arrayBuffer().catch((error: Error) => error);
    if (body instanceof Error) expect(body).toBeInstanceOf(Error);
    else expect(body.byteLength).toBeLessThan(announced);
    expect(upstream.received).toHaveLength(1);
  });

  it('status-after-forward: the client sees the status, the upstream did the work', async () => {
    const { upstream, proxy } = await setUp({ kind: 'status-after-forward', status: 500 });
    const response = await post(proxy);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: { code: 'PROXY_FAULT' } });
    expect(upstream.received).toHaveLength(1);
  });

  it('duplicate: the upstream receives the same request twice, the client sees the second answer', async () => {
    const { upstream, proxy } = await setUp({ kind: 'duplicate' });
    const body = randomBytes(100 * 1024);
    const response = await post(proxy, body);
    expect(await response.json()).toMatchObject({ count: 2, sha256: createHash('sha256').update(body).digest('hex') });
    expect(upstream.received).toHaveLength(2);
    expect(upstream.received[0]!.body.equals(body)).toBe(true);
    expect(upstream.received[1]!.body.equals(body)).toBe(true);
    expect(upstream.received[1]!.headers).toEqual(upstream.received[0]!.headers);
  });

  it('answers 502 when the upstream is down', async () => {
    const { upstream, proxy } = await setUp({ kind: 'pass' });
    await upstream.close();
    const response = await post(proxy);
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: { code: 'PROXY_UPSTREAM_UNREACHABLE' } });
  });

  it('keeps serving after faults, on new connections of the same client', async () => {
    const plan: Fault[] = [
      { kind: 'refuse' },
      { kind: 'pass' },
      { kind: 'lose-response' },
      { kind: 'reset-mid-response' },
      { kind: 'pass' },
    ];
    const { upstream, proxy } = await setUp(({ index }) => plan[index] ?? { kind: 'pass' });
    const outcomes: (number | 'failed')[] = [];
    for (let i = 0; i < plan.length; i++) {
      outcomes.push(
        await post(proxy)
          .then(async (response) => (await response.arrayBuffer(), response.status))
          .catch(() => 'failed' as const),
      );
    }
    expect(outcomes).toEqual(['failed', 200, 'failed', 'failed', 200]);
    expect(upstream.received).toHaveLength(4);
    expect(proxy.requests).toBe(5);
  });

  it('matches a seeded run: the upstream received exactly what the faults forwarded', async () => {
    const plan = seededFaultPlan(
      7,
      {
        pass: 3,
        refuse: 1,
        'reset-mid-request': 1,
        status: 1,
        'lose-response': 1,
        'truncate-response': 1,
        duplicate: 1,
        'status-after-forward': 1,
      },
      { retryAfter: '1' },
    );
    const { upstream, proxy } = await setUp(plan);
    for (let i = 0; i < 40; i++)
      await post(proxy)
        .then(
          (response) => response.arrayBuffer(),
          () => null,
        )
        .catch(() => null);
    const forwardedTimes: Partial<Record<FaultKind, number>> = {
      pass: 1,
      'lose-response': 1,
      'truncate-response': 1,
      'status-after-forward': 1,
      duplicate: 2,
    };
    let expected = 0;
    for (let index = 0; index < 40; index++) expected += forwardedTimes[plan({ index, method: 'POST', path: '/' }).kind] ?? 0;
    expect(proxy.requests).toBe(40);
    expect(upstream.received).toHaveLength(expected);
    expect(Object.values(proxy.faultsApplied).reduce((sum, n) => sum + n, 0)).toBe(40);
  });

  it('close(): ends idle keep-alive connections and a request held in a delay, and refuses afterwards', async () => {
    const { upstream, proxy } = await setUp(({ index }) => (index === 0 ? { kind: 'pass' } : { kind: 'delay', ms: 10_000 }));
    await (await post(proxy)).arrayBuffer();
    const held = post(proxy).then(
      () => 'answered',
      () => 'failed',
    );
    while (proxy.requests < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    await proxy.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await held).toBe('failed');
    await expect(post(proxy)).rejects.toThrow();
    expect(upstream.received).toHaveLength(1);
  });
});

describe('seededFaultPlan', () => {
  const weights = { pass: 6, refuse: 1, status: 2, duplicate: 1 };

  it('gives the same fault for the same seed and index, whatever order it is asked in', () => {
    const forward = seededFaultPlan(42, weights, { retryAfter: '3' });
    const backward = seededFaultPlan(42, weights, { retryAfter: '3' });
    const ask = (plan: FaultPlan, index: number) => plan({ index, method: 'POST', path: '/' });
    const inOrder = Array.from({ length: 100 }, (_, index) => ask(forward, index));
    const reversed = Array.from({ length: 100 }, (_, i) => ask(backward, 99 - i)).reverse();
    expect(reversed).toEqual(inOrder);
    expect(Array.from({ length: 100 }, (_, index) => ask(seededFaultPlan(43, weights), index))).not.toEqual(inOrder);
  });

  it('draws only weighted kinds, about as often as weighted, with the options applied', () => {
    const plan = seededFaultPlan(1, weights, { retryAfter: '3', statuses: [503, 500] });
    const counts: Record<string, number> = {};
    for (let index = 0; index < 5_000; index++) {
      const fault = plan({ index, method: 'POST', path: '/' });
      counts[fault.kind] = (counts[fault.kind] ?? 0) + 1;
      if (fault.kind === 'status') {
        expect([503, 500]).toContain(fault.status);
        expect(fault.retryAfter).toBe(fault.status === 503 ? '3' : undefined);
      }
    }
    expect(Object.keys(counts).sort()).toEqual(['duplicate', 'pass', 'refuse', 'status']);
    expect(counts.pass! / 5_000).toBeCloseTo(0.6, 1);
    expect(counts.status! / 5_000).toBeCloseTo(0.2, 1);
    expect(seededFaultPlan(1, { delay: 1 }, { delayMs: 75 })({ index: 0, method: 'GET', path: '/' })).toEqual({ kind: 'delay', ms: 75 });
    expect(seededFaultPlan(1, {})({ index: 3, method: 'GET', path: '/' })).toEqual({ kind: 'pass' });
  });
});
