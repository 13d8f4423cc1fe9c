// One signed HTTP exchange with the upstream, every outcome a value: the
// answer's status, headers and whole body, or why there was none (no
// connection, a timeout, a connection cut mid-answer). Node's fetch
// (undici) keeps connections alive between batches.
import type { KeyObject } from 'node:crypto';
import { signBoothRequest } from './requestSignature';

export type Exchange =
  | { ok: true; status: number; headers: Headers; body: Buffer; ms: number }
  | { ok: false; reason: 'UNREACHABLE' | 'TIMEOUT' | 'CUT'; message: string; ms: number };

export interface Transport {
  /** A signed request (method, path under the upstream's URL, body bytes and type). */
  signed(request: { method: string; path: string; body: Uint8Array; contentType: string }): Promise<Exchange>;
  /** An unsigned GET (the health probe). */
  get(path: string): Promise<Exchange>;
  /** Ends every exchange in flight (the booth is stopping); later ones fail at once. */
  abort(): void;
}

export interface TransportOptions {
  baseUrl: string;
  boothId: string;
  signingKey: KeyObject;
  timeoutMs: number;
  /** The upstream's clock as the booth best knows it (its own plus the measured offset), for the signature's created time. */
  upstreamNow: () => number;
}

function describeFailure(error: unknown): { reason: 'UNREACHABLE' | 'TIMEOUT' | 'CUT'; message: string } {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError')
    return { reason: 'TIMEOUT', message: 'the upstream did not answer in time' };
  const code = err.cause?.code ?? '';
  if (/bad port/.test(err.cause?.message ?? err.message))
    return {
      reason: 'UNREACHABLE',
      message: 'the upstream URL uses a port that fetch refuses (one browsers block, such as 9 or 25): use another port',
    };
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'].includes(code))
    return { reason: 'UNREACHABLE', message: `no connection to the upstream (${code})` };
  return {
    reason: 'CUT',
    message: `the exchange with the upstream was cut: ${err.cause?.message ?? err.message}${code ? ` (${code})` : ''}`,
  };
}

export function createTransport(options: TransportOptions): Transport {
  const base = options.baseUrl.replace(/\/+$/, '');
  const stopping = new AbortController();
  const exchange = async (url: string, init: RequestInit): Promise<Exchange> => {
    const started = performance.now();
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(options.timeoutMs)]) });
      // The whole body is read here: an answer cut mid-body is a failed exchange, never half an answer.
      const body = Buffer.from(await response.arrayBuffer());
      const declared = response.headers.get('content-length');
      if (declared !== null && Number(declared) !== body.length)
        return {
          ok: false,
          reason: 'CUT',
          message: `the answer was cut (${body.length} of ${declared} bytes)`,
          ms: performance.now() - started,
        };
      return { ok: true, status: response.status, headers: response.headers, body, ms: performance.now() - started };
    } catch (error) {
      return { ok: false, ...describeFailure(error), ms: performance.now() - started };
    }
  };
  return {
    async signed({ method, path, body, contentType }) {
      const request = await signBoothRequest({
        method,
        url: `${base}${path}`,
        body,
        contentType,
        boothId: options.boothId,
        signingKey: options.signingKey,
        created: new Date(options.upstreamNow()),
      });
      // The DOM's BodyInit type does not list Uint8Array<ArrayBufferLike>; undici sends it as it is.
      // A GET has no body (fetch refuses one); its signature covers the digest of zero bytes.
      const sent = method === 'GET' || method === 'HEAD' ? undefined : (request.body as unknown as ArrayBuffer);
      return exchange(request.url, { method, headers: request.headers, body: sent });
    },
    get: (path) => exchange(`${base}${path}`, { method: 'GET' }),
    abort: () => stopping.abort(),
  };
}

/**
 * Retry-After (RFC 9110 §10.2.3) in ms from now: delay-seconds or an HTTP-date; null when absent or unreadable. Digits are
 * tested first: Date.parse would read "120" as a year.
 */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date (IMF-fixdate, RFC 9110 §5.6.7); anything else Date.parse might read ("-5" is a year) is not one.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return null;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Full jitter (AWS, "Exponential Backoff And Jitter"): a random wait in [0, min(cap, base · 2^attempt)]. */
export function fullJitter(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30)));
}
