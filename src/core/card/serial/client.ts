// The host side of the module protocol: one request at a time, each answered
// by a frame with the same SEQ. A damaged answer is NAKed; a NAK or silence
// makes the host send the same frame again (same SEQ, so the module answers
// from its cache instead of doing the work twice), at most `retransmissions`
// times, then the read fails with TIMEOUT.
import { abortError, throwIfAborted } from '../abort';
import { CardError } from '../errors';
import { CMD, moduleErrors } from './commands';
import { encodeFrame, FrameDecoder, type Frame } from './frame';
import type { ByteLink } from './link';

export interface ModuleClientOptions {
  /** How long to wait for an answer before sending again. */
  responseTimeoutMs: number;
  retransmissions: number;
  /** First SEQ (1..255); random by default. Fixed only to replay recorded transcripts. */
  firstSeq?: number;
}

/** 400 ms for the module to think, plus the wire time of the largest frame both ways at this baud rate. */
export function moduleClientOptions(baudRate?: number): ModuleClientOptions {
  const wireMs = baudRate ? (2 * (1024 + 8) * 10 * 1000) / baudRate : 0;
  return { responseTimeoutMs: Math.ceil(400 + wireMs), retransmissions: 3 };
}

export interface LinkStats {
  bytesWritten: number;
  bytesRead: number;
  retransmissions: number;
}

/** What the one outstanding request listens for. */
type Waiter = (event: { frame?: Frame; fault?: true; closed?: Error | true }) => void;

export class SerialModuleClient {
  readonly stats: LinkStats = { bytesWritten: 0, bytesRead: 0, retransmissions: 0 };
  /** Starts at a random value: a module's reply cache must not mistake a new client's first request for a retransmission. */
  #seq: number;
  #waiting: Waiter | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  readonly #decoder: FrameDecoder;

  constructor(
    private readonly link: ByteLink,
    private readonly options: ModuleClientOptions = moduleClientOptions(),
  ) {
    // #exchange increments before use, so start one below the first SEQ wanted.
    this.#seq = (options.firstSeq ?? 1 + Math.floor(Math.random() * 255)) - 1;
    this.#decoder = new FrameDecoder({
      frame: (frame) => this.#waiting?.({ frame }),
      fault: () => this.#waiting?.({ fault: true }),
    });
    link.onData((bytes) => {
      this.stats.bytesRead += bytes.length;
      this.#decoder.push(bytes);
    });
    link.onClose((error) => {
      this.#closed = true;
      this.#waiting?.({ closed: error ?? true });
    });
  }

  /**
   * Sends one command and resolves with the payload of the expected answer.
   * `signal` stops it: nothing is sent after it fires, and the wait for the
   * answer ends at once (a late answer carries an old SEQ and is ignored).
   */
  request(cmd: number, payload: Uint8Array, expect: number, signal?: AbortSignal): Promise<Uint8Array> {
    const run = this.#queue.then(() => this.#exchange(cmd, payload, expect, signal));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The SEQ of the last request sent (0 before any): a reopened port's next client continues after it. */
  get lastSeq(): number {
    return this.#seq;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.link.close();
  }

  async #exchange(cmd: number, payload: Uint8Array, expect: number, signal?: AbortSignal): Promise<Uint8Array> {
    throwIfAborted(signal);
    if (this.#closed) throw new CardError('NO_READER', 'The card module is not connected.');
    this.#seq = (this.#seq % 255) + 1;
    const seq = this.#seq;
    const request = encodeFrame({ seq, cmd, payload });
    for (let attempt = 0; attempt <= this.options.retransmissions; attempt++) {
      if (attempt > 0) this.stats.retransmissions += 1;
      const answer = await this.#sendAndWait(request, seq, signal);
      if (answer === 'retry') continue;
      if (answer.cmd === CMD.ERROR) {
        const code = moduleErrors[answer.payload[0] ?? 0] ?? 'MALFORMED';
        const detail = answer.payload[1];
        throw new CardError(code, `The card module reported ${code}.`, detail === undefined ? undefined : String(detail));
      }
      if (answer.cmd !== expect)
        throw new CardError('MALFORMED', `The module answered 0x${answer.cmd.toString(16)} where 0x${expect.toString(16)} was expected.`);
      return answer.payload;
    }
    throw new CardError('TIMEOUT', `The card module did not answer after ${this.options.retransmissions} retransmissions.`);
  }

  /** One attempt: the answer, or 'retry' after a NAK, a damaged answer or silence. */
  async #sendAndWait(request: Uint8Array, seq: number, signal?: AbortSignal): Promise<Frame | 'retry'> {
    throwIfAborted(signal);
    let settle: (value: Frame | 'retry' | Error) => void = () => undefined;
    // One NAK per attempt: a damaged 1 KB frame can raise many faults while the
    // decoder resynchronises, and each NAK would make the module send it all again.
    let nakSent = false;
    this.#decoder.reset();
    const answer = new Promise<Frame | 'retry'>((resolve, reject) => {
      const timer = setTimeout(() => settle('retry'), this.options.responseTimeoutMs);
      const onAbort = () => settle(abortError(signal!));
      signal?.addEventListener('abort', onAbort, { once: true });
      const handler: Waiter = ({ frame, fault, closed }) => {
        if (closed) settle(new CardError('NO_READER', 'The card module was unplugged.'));
        else if (fault && !nakSent) {
          nakSent = true;
          void this.#write(encodeFrame({ seq, cmd: CMD.NAK, payload: new Uint8Array(0) })).catch(() => undefined);
        } else if (frame?.cmd === CMD.NAK) settle('retry');
        else if (frame && frame.seq === seq) settle(frame);
        // A frame with another SEQ is a late answer to an earlier attempt: ignore it.
      };
      settle = (value) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.#waiting === handler) this.#waiting = undefined;
        if (value instanceof Error) reject(value);
        else resolve(value);
      };
      this.#waiting = handler;
    });
    // Settled early by an abort while the request is still being written: handled below, not unhandled now.
    answer.catch(() => undefined);
    try {
      await this.#write(request);
    } catch {
      settle(new CardError('NO_READER', 'Cannot write to the card module.'));
    }
    return answer;
  }

  async #write(bytes: Uint8Array): Promise<void> {
    this.stats.bytesWritten += bytes.length;
    await this.link.write(bytes);
  }
}
