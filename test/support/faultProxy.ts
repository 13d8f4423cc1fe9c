// An HTTP proxy on 127.0.0.1 that breaks exchanges on purpose, between the
// booth's sync engine (global fetch, keep-alive) and an upstream: each
// request gets a fault from a plan, so a test can say "the upstream did the
// work but the answer was lost" and check that delivery stays exactly once.
// The whole request body is read before anything is forwarded (a duplicate
// resends the same bytes) and the whole upstream answer before anything is
// answered (a truncated answer cuts a known length).
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from './seededRandom';

export type Fault =
  | { kind: 'pass' }
  /** Waits, then passes. */
  | { kind: 'delay'; ms: number }
  /** Resets the client's connection at once: nothing is forwarded. */
  | { kind: 'refuse' }
  /** Reads part of the request body, then resets: nothing is forwarded. */
  | { kind: 'reset-mid-request' }
  /** Answers this status (500, 503, 429…) without forwarding; JSON body {"error":{"code":"PROXY_FAULT"}}. */
  | { kind: 'status'; status: number; retryAfter?: string }
  /** Forwards (the upstream does the work), then closes the client's connection without answering. */
  | { kind: 'lose-response' }
  /** Forwards, sends the status, the headers and about half the body, then resets. */
  | { kind: 'reset-mid-response' }
  /** Forwards, sends the headers (with the whole content-length) and half the body, then ends the connection cleanly. */
  | { kind: 'truncate-response' }
  /** Forwards (the upstream does the work), then answers this status instead of the upstream's answer. */
  | { kind: 'status-after-forward'; status: number }
  /** Forwards the same request twice, one after the other, and answers the second answer. */
  | { kind: 'duplicate' };

export type FaultKind = Fault['kind'];
export interface FaultRequest {
  /** 0 for the first request the proxy received, then 1, 2… */
  index: number;
  method: string;
  path: string;
}
export type FaultPlan = (request: FaultRequest) => Fault;

export interface FaultProxy {
  /** http://127.0.0.1:PORT: what the client is given instead of the upstream's address. */
  url: string;
  port: number;
  /** Requests received so far (each got a fault from the plan, `pass` included). */
  readonly requests: number;
  /** How many times each kind of fault was applied. */
  faultsApplied: Record<string, number>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const UPSTREAM_TIMEOUT_MS = 30_000;
// Long enough for the client to read the headers and half body before the reset throws its receive buffer away.
const BEFORE_RESET_MS = 50;
// Hop-by-hop headers (RFC 9110 section 7.6.1) describe one connection, not the message; content-length is set again from the body.
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
]);

interface Answer {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

/** The end-to-end headers of `message`, names as sent and repeated headers kept; content-length from the buffered body. */
function copyHeaders(message: IncomingMessage, body: Buffer, keepLength: boolean): OutgoingHttpHeaders {
  const byName = new Map<string, { name: string; values: string[] }>();
  for (let i = 0; i + 1 < message.rawHeaders.length; i += 2) {
    const name = message.rawHeaders[i]!;
    const key = name.toLowerCase();
    if (NOT_FORWARDED.has(key)) continue;
    const entry = byName.get(key) ?? { name, values: [] };
    entry.values.push(message.rawHeaders[i + 1]!);
    byName.set(key, entry);
  }
  const headers: OutgoingHttpHeaders = {};
  for (const { name, values } of byName.values()) headers[name] = values.length === 1 ? values[0] : values;
  const length = message.headers['content-length'];
  // A HEAD answer's content-length is the length of a body not sent: kept as it was.
  if (keepLength && length !== undefined) headers['content-length'] = length;
  else if (length !== undefined || message.headers['transfer-encoding'] !== undefined) headers['content-length'] = String(body.length);
  return headers;
}

/** The whole body of `message`, bounded in size; rejects if the connection ends first. */
function readBody(message: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    message.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) message.destroy(new Error(`body over ${MAX_BODY_BYTES} bytes`));
      else chunks.push(chunk);
    });
    message.on('end', () => resolve(Buffer.concat(chunks)));
    message.on('error', reject);
    message.on('close', () => reject(new Error('connection closed before the end of the body')));
  });
}

/** Resolves at the first chunk of the body or its end, whichever comes first. */
function firstChunk(message: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    message.once('data', () => resolve());
    for (const event of ['end', 'error', 'close']) message.once(event, () => resolve());
  });
}

function answerFault(response: ServerResponse, status: number, code: string, headers: OutgoingHttpHeaders = {}): void {
  const body = JSON.stringify({ error: { code, message: `fault proxy answered ${status}` } });
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers }).end(body);
}

/** Starts the proxy on a free loopback port, forwarding to `target` (http://127.0.0.1:PORT) as `plan` says. */
export async function startFaultProxy(options: { target: string; plan: FaultPlan }): Promise<FaultProxy> {
  const target = new URL(options.target);
  const prefix = target.pathname.replace(/\/$/, '');
  const agent = new Agent({ keepAlive: true, maxSockets: 64, timeout: UPSTREAM_TIMEOUT_MS });
  const closing = new AbortController();
  const sockets = new Set<Socket>();
  const faultsApplied: Record<string, number> = {};
  let requests = 0;

  const forward = (request: IncomingMessage, body: Buffer): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: prefix + (request.url ?? '/'),
          headers: copyHeaders(request, body, false),
          agent,
          timeout: UPSTREAM_TIMEOUT_MS,
          signal: closing.signal,
        },
        (answer) => {
          readBody(answer).then(
            (answerBody) =>
              resolve({
                status: answer.statusCode ?? 502,
                headers: copyHeaders(answer, answerBody, request.method === 'HEAD'),
                body: answerBody,
              }),
            reject,
          );
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`upstream did not answer within ${UPSTREAM_TIMEOUT_MS} ms`)));
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  /** Sends the status, the headers and half the body, then `cut`s the connection. */
  const sendHalf = (response: ServerResponse, answer: Answer, cut: () => void) => {
    response.writeHead(answer.status, answer.headers);
    response.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)), () => cut());
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const index = requests++;
    const fault = options.plan({ index, method: request.method ?? 'GET', path: request.url ?? '/' });
    faultsApplied[fault.kind] = (faultsApplied[fault.kind] ?? 0) + 1;
    const socket = request.socket;
    if (fault.kind === 'refuse') return void socket.resetAndDestroy();
    if (fault.kind === 'reset-mid-request') {
      await firstChunk(request);
      return void socket.resetAndDestroy();
    }
    const body = await readBody(request);
    if (fault.kind === 'status') {
      return answerFault(response, fault.status, 'PROXY_FAULT', fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter });
    }
    if (fault.kind === 'delay') await sleep(fault.ms, undefined, { signal: closing.signal });
    let answer: Answer;
    try {
      answer = await forward(request, body);
      if (fault.kind === 'duplicate') answer = await forward(request, body);
    } catch {
      if (!closing.signal.aborted) answerFault(response, 502, 'PROXY_UPSTREAM_UNREACHABLE');
      return;
    }
    if (fault.kind === 'lose-response') return void socket.destroy();
    if (fault.kind === 'status-after-forward') return answerFault(response, fault.status, 'PROXY_FAULT');
    if (fault.kind === 'reset-mid-response')
      return sendHalf(response, answer, () => setTimeout(() => socket.resetAndDestroy(), BEFORE_RESET_MS));
    if (fault.kind === 'truncate-response') return sendHalf(response, answer, () => socket.end());
    response.writeHead(answer.status, answer.headers).end(answer.body);
  };

  const server = createServer({ requestTimeout: UPSTREAM_TIMEOUT_MS, headersTimeout: UPSTREAM_TIMEOUT_MS }, (request, response) => {
    response.on('error', () => {});
    // Whatever went wrong (the client left, close() aborted a delay) ends this exchange only.
    handle(request, response).catch(() => request.socket.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };

  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return requests;
    },
    faultsApplied,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        agent.destroy();
      })),
  };
}

const KINDS: readonly FaultKind[] = [
  'pass',
  'delay',
  'refuse',
  'reset-mid-request',
  'status',
  'lose-response',
  'reset-mid-response',
  'truncate-response',
  'status-after-forward',
  'duplicate',
];

/**
 * A plan that draws each request's fault from `weights` (kinds left out never happen; all zero: always pass),
 * the same for the same seed and request index whatever the order the plan is asked in. Status faults pick
 * from `statuses` (default 500, 503, 429); Retry-After goes with 503 and 429 when `retryAfter` is given.
 */
export function seededFaultPlan(
  seed: number,
  weights: Partial<Record<FaultKind, number>>,
  options: { delayMs?: number; retryAfter?: string; statuses?: readonly number[] } = {},
): FaultPlan {
  const random = seededRandom(seed);
  const kinds = KINDS.map((kind) => ({ kind, weight: Math.max(0, weights[kind] ?? 0) })).filter(({ weight }) => weight > 0);
  const total = kinds.reduce((sum, { weight }) => sum + weight, 0);
  const statuses = options.statuses?.length ? options.statuses : [500, 503, 429];
  const drawn: Fault[] = [];

  const draw = (): Fault => {
    // Two numbers per request whatever is drawn, so changing one weight does not shift every later status.
    let pick = random() * total;
    const status = statuses[Math.floor(random() * statuses.length)]!;
    const kind = kinds.find(({ weight }) => (pick -= weight) < 0)?.kind ?? kinds.at(-1)?.kind ?? 'pass';
    switch (kind) {
      case 'delay':
        return { kind, ms: options.delayMs ?? 200 };
      case 'status':
        return options.retryAfter !== undefined && (status === 503 || status === 429)
          ? { kind, status, retryAfter: options.retryAfter }
          : { kind, status };
      case 'status-after-forward':
        return { kind, status };
      default:
        return { kind };
    }
  };
  return ({ index }) => {
    while (drawn.length <= index) drawn.push(draw());
    return drawn[index]!;
  };
}
