// The headless host: the booth's renderer over HTTP and the booth contract
// over one WebSocket, both on loopback only. A connection must come from the
// page this host served (Origin), name this launch's random token (as a
// WebSocket subprotocol, so it never sits in a URL or a log), and keep each
// message under the cap. One connection at a time owns the citizen session
// (./ownership.ts); sockets that stop answering pings, or keep a message
// unfinished too long, are ended. When all connection slots are taken, a new
// one replaces the oldest connection that does not own the session, so idle
// sockets can never keep the booth's own page out.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { BoothCore } from '../core/process';
import type { Logger } from '../core/logging/logger';
import { createDispatcher } from '../shared/contract/dispatch';
import { MAX_CALL_BYTES, type EventEnvelope, type ResultEnvelope } from '../shared/contract/envelope';
import { decodeCallFrame, MAX_BINARY_CALL_BYTES } from '../shared/contract/frames';
import { fail, type BoothError } from '../shared/contract/result';
import {
  CONTRACT_PATH,
  CONTRACT_PROTOCOL,
  INSTANCE_ID_PATTERN,
  INSTANCE_PROTOCOL_PREFIX,
  NOT_OWNER,
  TOKEN_PROTOCOL_PREFIX,
} from '../shared/contract/websocket';
import { contentSecurityPolicy } from '../shared/security/csp';
import { createMessageBoundaryTracker } from './messageBoundary';
import { createOwnership, guardSessionCalls, type OwnedConnection } from './ownership';
import { serveStatic } from './static';
import {
  hostHeaderAllowed,
  methodOf,
  offeredProtocols,
  rawBuffer,
  rawLength,
  rawText,
  refuseUpgradeSocket,
  sameSecret,
  zeroRaw,
} from './wire';

/** Frames past this close the socket (1009) before they are buffered whole. */
export const HARD_FRAME_CAP = MAX_BINARY_CALL_BYTES + 64 * 1024;
/** A kiosk has one screen; a few spare connections cover reloads and tests. */
export const MAX_CLIENTS = 4;

export interface HostOptions {
  /** The booth's core: a supervised core process, or one in this process (tests). */
  core: BoothCore;
  logger: Logger;
  rendererDir: string;
  port: number;
  bind: '127.0.0.1' | '::1';
  /** Fixed token for tests; a random one otherwise. */
  token?: string;
  /**
   * Ping interval: a socket that has not answered the last ping by the next one is ended (a dead page, a stalled frame). Default 5
   * s, so within 10 s.
   */
  heartbeatMs?: number;
  /** Longest wait for a request's headers, upgrades included (a half-open handshake). Default 10 s. */
  handshakeTimeoutMs?: number;
  /**
   * How long a closed owner's page may take to reconnect before its session is wiped. Default 5 s (keep it under the renderer's 10
   * s call timeout: a reload's first call waits for it).
   */
  ownerGraceMs?: number;
  /** Longest time a message may stay unfinished from its first byte (a fragmented message kept open between pongs). Default 10 s. */
  incompleteMessageMs?: number;
}

export interface RunningHost {
  /** The booth page, without the token: safe to print. */
  url: string;
  /** The URL to open: it carries the token in the fragment, which browsers never send. Keep it off stdout and argv. */
  launchUrl: string;
  origin: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

interface Connection extends OwnedConnection {
  socket: WebSocket;
  /** Answered the last ping (or sent anything since). */
  alive: boolean;
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const { core, logger } = options;
  const token = options.token ?? randomBytes(24).toString('hex');
  const heartbeatMs = options.heartbeatMs ?? 5_000;
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
  const connections = new Set<Connection>();
  const incompleteMessageMs = options.incompleteMessageMs ?? 10_000;
  const ownership = createOwnership<Connection>({
    graceMs: options.ownerGraceMs ?? 5_000,
    hasSession: () => core.hasSession(),
    wipeSession: () => core.wipe('disconnected'),
  });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: HARD_FRAME_CAP,
    perMessageDeflate: false,
    // Choose the contract protocol; never echo the token back.
    handleProtocols: (protocols) => (protocols.has(CONTRACT_PROTOCOL) ? CONTRACT_PROTOCOL : false),
  });
  const server = createServer({
    headersTimeout: handshakeTimeoutMs,
    requestTimeout: handshakeTimeoutMs * 3,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(handshakeTimeoutMs / 4))),
  });
  let origin = '';
  let csp = '';

  server.on('request', (request, response) => {
    if (!hostHeaderAllowed(request, actualPort())) {
      response
        .writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end(`This booth is served only at ${origin}/ (open the URL the host printed).\n`);
      return;
    }
    serveStatic(options.rendererDir, csp, request, response, core.faceModelFiles);
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node stops listening for this socket's errors once it is handed here; ws adds its own only while upgrading.
    socket.on('error', (error) => {
      logger.debug({ event: 'contract.socket_error', err: error }, 'socket error before the upgrade');
      socket.destroy();
    });
    const refusal = refuseUpgrade(request);
    if (refusal) {
      logger.warn({ event: 'contract.refused', code: refusal.error.code, status: refusal.status }, 'websocket refused');
      refuseUpgradeSocket(socket, refusal.status, refusal.error);
      return;
    }
    // ws completes the upgrade in this same tick (no verifyClient), so the count cannot change before accept().
    if (connections.size >= MAX_CLIENTS) makeRoom();
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws, instanceOf(request), socket));
  });

  const unsubscribe = core.events.subscribe((event, payload) => {
    // Whether the booth is in service, or takes citizens, tells nothing about a citizen: every page hears it (one showing "in use" too).
    if (event === 'booth.status' || event === 'booth.admission') {
      const text = JSON.stringify({ type: 'event', event, payload } satisfies EventEnvelope);
      for (const connection of connections) if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(text);
      return;
    }
    // Session events carry the citizen's data: only the owner's page gets them.
    const owner = ownership.current();
    if (!owner || owner.socket.readyState !== owner.socket.OPEN) return;
    const envelope: EventEnvelope = { type: 'event', event, payload };
    owner.socket.send(JSON.stringify(envelope));
  });

  const heartbeat = setInterval(() => {
    for (const connection of connections) {
      if (!connection.alive) {
        logger.warn({ event: 'contract.unresponsive' }, 'no answer to the last ping: connection ended');
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }, heartbeatMs);
  heartbeat.unref();

  function refuseUpgrade(request: IncomingMessage): { status: number; error: BoothError } | null {
    if (!hostHeaderAllowed(request, actualPort()))
      return { status: 421, error: fail('FORBIDDEN_ORIGIN', `Connect to ${origin}${CONTRACT_PATH} only.`).error };
    const path = (request.url ?? '').split('?')[0];
    if (path !== CONTRACT_PATH) return { status: 404, error: fail('NOT_FOUND', `No contract endpoint at ${path?.slice(0, 64)}.`).error };
    if (request.headers.origin !== origin) {
      return { status: 403, error: fail('FORBIDDEN_ORIGIN', 'Only the booth page served by this host may connect.').error };
    }
    const offered = offeredProtocols(request);
    const tokenOffer = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX));
    if (!offered.includes(CONTRACT_PROTOCOL) || !tokenOffer || !sameSecret(tokenOffer.slice(TOKEN_PROTOCOL_PREFIX.length), token)) {
      return { status: 401, error: fail('UNAUTHORIZED', 'Missing or wrong booth token.').error };
    }
    if (connections.size >= MAX_CLIENTS && !oldestNonOwner())
      return { status: 503, error: fail('BUSY', `The booth accepts at most ${MAX_CLIENTS} connections.`).error };
    return null;
  }

  /** Connections are kept in the order they opened. */
  function oldestNonOwner(): Connection | undefined {
    const owner = ownership.current();
    for (const connection of connections) if (connection !== owner) return connection;
    return undefined;
  }

  function makeRoom() {
    const oldest = oldestNonOwner();
    if (!oldest) return;
    logger.info(
      { event: 'contract.replaced', clients: connections.size },
      'connection slots full: the oldest connection not owning the session ended for a new one',
    );
    connections.delete(oldest);
    oldest.socket.terminate();
  }

  function accept(socket: WebSocket, instanceId: string, raw: Duplex) {
    const connection: Connection = { socket, instanceId, alive: true };
    connections.add(connection);
    watchUnfinishedMessages(socket, raw);
    // The owner's page came back (its old socket may not have noticed it was gone yet).
    ownership.attach(connection)?.socket.terminate();
    const dispatch = createDispatcher(
      guardSessionCalls(core.handlers, () => ownership.mayUse(connection)),
      {
        onBug: (method, error) =>
          logger.error({ event: 'contract.bug', method, err: error }, 'handler threw or answered an undeclared failure'),
      },
    );
    logger.info({ event: 'contract.connected', clients: connections.size }, 'renderer connected');
    socket.on('pong', () => (connection.alive = true));
    socket.on('message', (data, isBinary) => {
      connection.alive = true;
      void onMessage(socket, dispatch, data, isBinary);
    });
    socket.on('error', (error) => logger.warn({ event: 'contract.socket_error', err: error }, 'socket error'));
    socket.on('close', (code) => {
      connections.delete(connection);
      ownership.detach(connection);
      logger.info({ event: 'contract.disconnected', code, clients: connections.size }, 'renderer disconnected');
    });
  }

  async function onMessage(ws: WebSocket, dispatch: ReturnType<typeof createDispatcher>, data: RawData, isBinary: boolean) {
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
        zeroRaw(data);
      }
    }
    if (!reply.result.ok) {
      // A window showing "in use" asks every few seconds for as long as it is open: not worth an info line each time.
      const level = reply.result.error.reason === NOT_OWNER ? 'debug' : 'info';
      logger[level](
        {
          event: 'contract.rejected',
          code: reply.result.error.code,
          reason: reply.result.error.reason,
          method: isBinary ? undefined : methodOf(data, bytes),
        },
        'call refused',
      );
    }
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
  }

  /** Ends the connection when a message stays unfinished longer than incompleteMessageMs from its first byte. */
  function watchUnfinishedMessages(socket: WebSocket, raw: Duplex) {
    const tracker = createMessageBoundaryTracker();
    let deadline: ReturnType<typeof setTimeout> | undefined;
    raw.on('data', (chunk: Buffer) => {
      const unfinished = tracker.push(chunk);
      if (!unfinished) {
        clearTimeout(deadline);
        deadline = undefined;
      } else if (!deadline) {
        deadline = setTimeout(() => {
          logger.warn(
            { event: 'contract.message_stalled', limitMs: incompleteMessageMs },
            'a message stayed unfinished too long: connection ended',
          );
          socket.terminate();
        }, incompleteMessageMs);
        deadline.unref();
      }
    });
    raw.once('close', () => clearTimeout(deadline));
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
    origin,
    port,
    token,
    server,
    close: async () => {
      unsubscribe();
      clearInterval(heartbeat);
      ownership.dispose();
      for (const connection of connections) connection.socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
    },
  };
}

/** The page instance the upgrade names, or a fresh one: a client that names none is a page of its own. */
function instanceOf(request: IncomingMessage): string {
  const offer = offeredProtocols(request).find((p) => p.startsWith(INSTANCE_PROTOCOL_PREFIX));
  const id = offer?.slice(INSTANCE_PROTOCOL_PREFIX.length);
  return id && INSTANCE_ID_PATTERN.test(id) ? id : randomBytes(16).toString('hex');
}
