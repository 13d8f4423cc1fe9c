// Low-level pieces of the host's HTTP and WebSocket handling: refusing an
// upgrade on a raw socket without ever crashing, checking the Host header
// and secrets, and reading ws's raw message data.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData } from 'ws';
import { MAX_CALL_BYTES } from '../shared/contract/envelope';
import type { BoothError } from '../shared/contract/result';

const statusText: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  421: 'Misdirected Request',
  503: 'Service Unavailable',
};

/**
 * Answers a refused upgrade and closes the socket. Once Node hands a socket
 * to the 'upgrade' handler it no longer listens for its errors: a client
 * that resets first would raise an unhandled ECONNRESET and end the host.
 * The caller attaches an error listener before this runs; the socket is
 * destroyed once the answer is flushed (or at once if the client is gone),
 * so a client that never closes its side cannot keep it half-open.
 */
export function refuseUpgradeSocket(socket: Duplex, status: number, error: BoothError): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ ok: false, error });
  socket.end(
    `HTTP/1.1 ${status} ${statusText[status] ?? 'Refused'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
  // A client that reads nothing may keep the answer from flushing: do not wait for it.
  setTimeout(() => socket.destroy(), 2_000).unref();
}

/**
 * Guards against DNS rebinding: only our own loopback address and port are
 * served. "localhost" is refused too, because the contract accepts only the
 * origin the host printed, and a page that loads but cannot connect would
 * only confuse.
 */
export function hostHeaderAllowed(request: IncomingMessage, port: number): boolean {
  const host = request.headers.host;
  return host === `127.0.0.1:${port}` || host === `[::1]:${port}`;
}

export function sameSecret(offered: string, token: string): boolean {
  const a = Buffer.from(offered);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The subprotocols a WebSocket upgrade offers, trimmed. */
export function offeredProtocols(request: IncomingMessage): string[] {
  return (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
}

export function rawLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

export function rawBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? Buffer.from(data) : data;
}

export function rawText(data: RawData): string {
  return rawBuffer(data).toString('utf8');
}

/** Overwrites every part of a received message (it may hold a citizen's pictures). */
export function zeroRaw(data: RawData): void {
  for (const part of Array.isArray(data) ? data : [data]) (part instanceof ArrayBuffer ? new Uint8Array(part) : part).fill(0);
}

/** The method name for the log line, only when it is a short plain word. */
export function methodOf(data: RawData, bytes: number): string | undefined {
  if (bytes > MAX_CALL_BYTES) return undefined;
  const match = /"method"\s*:\s*"([a-zA-Z.]{1,64})"/.exec(rawText(data));
  return match?.[1];
}
