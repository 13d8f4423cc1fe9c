// The headless host: the booth's renderer over HTTP and the booth contract
// over one WebSocket, both on loopback only. A connection must come from the
// page this host served (Origin), name this launch's random token (as a
// WebSocket subprotocol, so it never sits in a URL or a log), and keep each
// message under the cap.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Booth } from '../core/booth/booth';
import type { Logger } from '../core/logging/logger';
import { createDispatcher } from '../shared/contract/dispatch';
import { MAX_CALL_BYTES, type EventEnvelope, type ResultEnvelope } from '../shared/contract/envelope';
import { decodeCallFrame, MAX_BINARY_CALL_BYTES } from '../shared/contract/frames';
import { fail, type BoothError } from '../shared/contract/result';
import { CONTRACT_PATH, CONTRACT_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../shared/contract/websocket';
import { contentSecurityPolicy } from '../shared/security/csp';
import { serveStatic } from './static';

/** Frames past this close the socket (1009) before they are buffered whole. */
export const HARD_FRAME_CAP = MAX_BINARY_CALL_BYTES + 64 * 1024;
/** A kiosk has one screen; a few spare connections cover reloads and tests. */
const MAX_CLIENTS = 4;
const LAUNCH_PATH = '/launch';
const statusText: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 421: 'Misdirected Request', 503: 'Service Unavailable' };

export interface HostOptions {
  booth: Booth;
  logger: Logger;
  rendererDir: string;
  port: number;
  bind: '127.0.0.1' | '::1';
  /** Fixed token for tests; a random one otherwise. */
  token?: string;
}

export interface RunningHost {
  url: string;
  /** The URL to open: it carries the token in the fragment, which browsers never send. */
  launchUrl: string;
  /**
   * A one-time link for a browser the host starts itself: a command line is
   * readable by other local users, so it carries a code that works once,
   * for a minute, instead of the token.
   */
  oneTimeLaunchUrl(): string;
  origin: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const { booth, logger } = options;
  const token = options.token ?? randomBytes(24).toString('hex');
  const dispatch = createDispatcher(booth.handlers, {
    onBug: (method, error) => logger.error({ event: 'contract.bug', method, err: error }, 'handler threw'),
  });
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: HARD_FRAME_CAP,
    perMessageDeflate: false,
    // Choose the contract protocol; never echo the token back.
    handleProtocols: (protocols) => (protocols.has(CONTRACT_PROTOCOL) ? CONTRACT_PROTOCOL : false),
  });
  const server = createServer();
  let origin = '';
  let csp = '';
  let launch: { code: string; until: number } | null = null;

  server.on('request', (request, response) => {
    if (!hostHeaderAllowed(request, actualPort())) {
      response.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`This booth is served only at ${origin}/ (open the URL the host printed).\n`);
      return;
    }
    const url = new URL(request.url ?? '/', origin || 'http://127.0.0.1');
    if (url.pathname === LAUNCH_PATH) {
      const valid = launch !== null && Date.now() <= launch.until && sameSecret(url.searchParams.get('code') ?? '', launch.code);
      if (valid) launch = null;
      if (valid) response.writeHead(302, { Location: `/#token=${token}`, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).end();
      else response.writeHead(410, { 'Content-Type': 'text/plain; charset=utf-8' }).end('This launch link was already used or has expired: open the URL the host printed.\n');
      return;
    }
    serveStatic(options.rendererDir, csp, request, response, options.booth.faceModelFiles);
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = refuseUpgrade(request);
    if (refusal) {
      logger.warn({ event: 'contract.refused', code: refusal.error.code, status: refusal.status }, 'websocket refused');
      const body = JSON.stringify({ ok: false, error: refusal.error });
      socket.end(
        `HTTP/1.1 ${refusal.status} ${statusText[refusal.status] ?? 'Refused'}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws));
  });

  const unsubscribe = booth.events.subscribe((event, payload) => {
    const envelope: EventEnvelope = { type: 'event', event, payload };
    const text = JSON.stringify(envelope);
    for (const ws of sockets) ws.send(text);
  });

  function refuseUpgrade(request: IncomingMessage): { status: number; error: BoothError } | null {
    if (!hostHeaderAllowed(request, actualPort())) return { status: 421, error: fail('FORBIDDEN_ORIGIN', `Connect to ${origin}${CONTRACT_PATH} only.`).error };
    const path = (request.url ?? '').split('?')[0];
    if (path !== CONTRACT_PATH) return { status: 404, error: fail('NOT_FOUND', `No contract endpoint at ${path?.slice(0, 64)}.`).error };
    if (request.headers.origin !== origin) {
      return { status: 403, error: fail('FORBIDDEN_ORIGIN', 'Only the booth page served by this host may connect.').error };
    }
    const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const tokenOffer = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX));
    if (!offered.includes(CONTRACT_PROTOCOL) || !tokenOffer || !sameSecret(tokenOffer.slice(TOKEN_PROTOCOL_PREFIX.length), token)) {
      return { status: 401, error: fail('UNAUTHORIZED', 'Missing or wrong booth token.').error };
    }
    if (sockets.size >= MAX_CLIENTS) return { status: 503, error: fail('BUSY', `The booth accepts at most ${MAX_CLIENTS} connections.`).error };
    return null;
  }

  function accept(ws: WebSocket) {
    sockets.add(ws);
    logger.info({ event: 'contract.connected', clients: sockets.size }, 'renderer connected');
    ws.on('message', (data, isBinary) => void onMessage(ws, data, isBinary));
    ws.on('error', (error) => logger.warn({ event: 'contract.socket_error', err: error }, 'socket error'));
    ws.on('close', (code) => {
      sockets.delete(ws);
      logger.info({ event: 'contract.disconnected', code, clients: sockets.size }, 'renderer disconnected');
    });
  }

  async function onMessage(ws: WebSocket, data: RawData, isBinary: boolean) {
    const bytes = rawLength(data);
    let reply: ResultEnvelope;
    // Text is refused by its size before it is decoded; binary frames are checked by the decoder.
    const copy = isBinary ? new Uint8Array(rawBuffer(data)) : null;
    try {
      const frame = !isBinary && bytes > MAX_CALL_BYTES ? null : decodeCallFrame(copy ?? rawText(data));
      if (frame === null) reply = answerRefusal(true, `A call may be at most ${MAX_CALL_BYTES} bytes; this one was ${bytes}.`);
      else reply = frame.ok ? await dispatch(frame.envelope) : answerRefusal(frame.tooLarge, frame.message);
    } catch (error) {
      logger.error({ event: 'contract.bug', err: error }, 'message handling failed');
      reply = { type: 'result', id: null, result: fail('INTERNAL', 'The booth could not handle that message.') };
    } finally {
      // The frame may hold a citizen's pictures: the handler kept its own copies.
      if (copy) {
        copy.fill(0);
        for (const part of Array.isArray(data) ? data : [data]) (part instanceof ArrayBuffer ? new Uint8Array(part) : part).fill(0);
      }
    }
    if (!reply.result.ok) {
      logger.info({ event: 'contract.rejected', code: reply.result.error.code, method: isBinary ? undefined : methodOf(data, bytes) }, 'call refused');
    }
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
  }

  function answerRefusal(tooLarge: boolean, message: string): ResultEnvelope {
    return { type: 'result', id: null, result: fail(tooLarge ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', message) };
  }

  function actualPort(): number {
    return (server.address() as AddressInfo | null)?.port ?? options.port;
  }

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.bind, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const port = actualPort();
  const hostName = options.bind === '::1' ? '[::1]' : '127.0.0.1';
  origin = `http://${hostName}:${port}`;
  csp = contentSecurityPolicy(`ws://${hostName}:${port}`);
  const url = `${origin}/`;

  return {
    url,
    launchUrl: `${url}#token=${token}`,
    oneTimeLaunchUrl: () => {
      launch = { code: randomBytes(16).toString('hex'), until: Date.now() + 60_000 };
      return `${origin}${LAUNCH_PATH}?code=${launch.code}`;
    },
    origin,
    port,
    token,
    server,
    close: async () => {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
    },
  };
}

/**
 * Guards against DNS rebinding: only our own loopback address and port are
 * served. "localhost" is refused too, because the contract accepts only the
 * origin the host printed, and a page that loads but cannot connect would
 * only confuse.
 */
function hostHeaderAllowed(request: IncomingMessage, port: number): boolean {
  const host = request.headers.host;
  return host === `127.0.0.1:${port}` || host === `[::1]:${port}`;
}

function sameSecret(offered: string, token: string): boolean {
  const a = Buffer.from(offered);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function rawLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function rawBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? Buffer.from(data) : data;
}

function rawText(data: RawData): string {
  return rawBuffer(data).toString('utf8');
}

/** The method name for the log line, only when it is a short plain word. */
function methodOf(data: RawData, bytes: number): string | undefined {
  if (bytes > MAX_CALL_BYTES) return undefined;
  const match = /"method"\s*:\s*"([a-zA-Z.]{1,64})"/.exec(rawText(data));
  return match?.[1];
}
