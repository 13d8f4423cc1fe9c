// A reader module as vendors build them: a virtual e-KTP and SAM inside,
// speaking the framed protocol on a byte link (one end of a pseudo-terminal
// pair in tests). Knobs make the wire behave badly on purpose: a baud rate
// whose wire time is really spent, latency, dropped or corrupted bytes, an
// unplug in the middle of a frame.
import { CMD, moduleErrorCode, parseReadFileRequest, STATUS_FLAGS } from '../serial/commands';
import { encodeFrame, FrameDecoder, type Frame } from '../serial/frame';
import type { ByteLink } from '../serial/link';
import { SW } from '../apdu/apdu';
import { exchange } from '../apdu/channel';
import { EKTP_FILES } from '../ektp/commands';
import { openCard, readChunk, selectFile } from '../ektp/readEktp';
import { samCommands } from '../ektp/commands';
import { CardError, isCardError } from '../errors';
import type { VirtualEktpCard } from './virtualCard';
import type { VirtualSam } from './virtualSam';

export interface ModuleKnobs {
  /** Wire time is spent for every byte in both directions (10 bits a byte). */
  baudRate?: number;
  /** Extra delay before each answer, in ms. */
  latencyMs?: number;
  /** Deterministic faults: each written byte is dropped or flipped with these odds. */
  dropRate?: number;
  corruptRate?: number;
  seed?: number;
  /** After this many answers, write half of the next frame and unplug. */
  unplugAfterAnswers?: number;
}

export interface ModuleSlots {
  card: VirtualEktpCard | null;
  sam: VirtualSam | null;
}

export class SerialModuleEmulator {
  #cache: { seq: number; answer: Uint8Array } | undefined;
  #samUnlocked = false;
  #cardOpen = false;
  #selected: number | undefined;
  #answers = 0;
  #random: () => number;
  #queue: Promise<void> = Promise.resolve();
  #unplugged = false;
  readonly #lineFreeAt = { rx: 0, tx: 0 };
  readonly #decoder: FrameDecoder;

  constructor(
    private readonly link: ByteLink,
    readonly slots: ModuleSlots,
    private readonly knobs: ModuleKnobs = {},
  ) {
    let state = knobs.seed ?? 1;
    this.#random = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    this.#decoder = new FrameDecoder({
      frame: (frame) => this.#enqueue(() => this.#onFrame(frame)),
      fault: () => this.#enqueue(() => this.#send({ seq: 0, cmd: CMD.NAK, payload: new Uint8Array(0) })),
    });
    link.onData((bytes) =>
      this.#enqueue(async () => {
        await this.#wireTime('rx', bytes.length);
        this.#decoder.push(bytes);
      }),
    );
  }

  /** Takes the card off the reader (or puts one on). */
  setCard(card: VirtualEktpCard | null): void {
    this.slots.card?.reset();
    this.slots.card = card;
    this.#cardOpen = false;
    this.#selected = undefined;
  }

  #enqueue(task: () => Promise<void> | void): void {
    this.#queue = this.#queue.then(task).catch(() => undefined);
  }

  async #onFrame(frame: Frame): Promise<void> {
    if (frame.cmd === CMD.NAK) {
      if (this.#cache) await this.#write(this.#cache.answer);
      return;
    }
    // A retransmitted request (same SEQ) gets the same answer without doing the work twice.
    if (this.#cache?.seq === frame.seq) {
      await this.#write(this.#cache.answer);
      return;
    }
    const answer = await this.#execute(frame).catch((error: unknown) =>
      this.#error(frame.seq, isCardError(error) ? error : new CardError('MALFORMED', 'module fault')),
    );
    const bytes = encodeFrame(answer);
    this.#cache = { seq: frame.seq, answer: bytes };
    if (this.knobs.latencyMs) await sleep(this.knobs.latencyMs);
    await this.#write(bytes);
  }

  async #execute({ seq, cmd, payload }: Frame): Promise<Frame> {
    const reply = (replyCmd: number, replyPayload: Uint8Array = new Uint8Array(0)): Frame => ({
      seq,
      cmd: replyCmd,
      payload: replyPayload,
    });
    const { card, sam } = this.slots;
    switch (cmd) {
      case CMD.PING:
        return reply(
          CMD.INFO,
          Uint8Array.from('ANJUNGAN-EMU/1.0', (c) => c.charCodeAt(0)),
        );
      case CMD.STATUS:
        return reply(
          CMD.STATUS_REPLY,
          Uint8Array.of(
            (card ? STATUS_FLAGS.cardPresent : 0) |
              (sam ? STATUS_FLAGS.samPresent : 0) |
              (this.#samUnlocked ? STATUS_FLAGS.samUnlocked : 0),
          ),
        );
      case CMD.UNLOCK_SAM: {
        if (!sam) throw new CardError('SAM_MISSING', 'no SAM');
        const answer = await exchange(sam, samCommands.unlock(payload));
        if (answer.sw === SW.OK) {
          this.#samUnlocked = true;
          return reply(CMD.OK);
        }
        this.#samUnlocked = false;
        return this.#error(seq, new CardError('SAM_LOCKED', 'locked', String(answer.sw === SW.AUTH_METHOD_BLOCKED ? 0 : answer.sw & 0x0f)));
      }
      case CMD.OPEN_CARD: {
        if (!sam) throw new CardError('SAM_MISSING', 'no SAM');
        if (!this.#samUnlocked) throw new CardError('SAM_LOCKED', 'SAM not unlocked');
        if (!card) throw new CardError('NO_CARD', 'no card');
        card.reset();
        this.#selected = undefined;
        const uid = await openCard(card, sam);
        this.#cardOpen = true;
        return reply(CMD.CARD, uid);
      }
      case CMD.READ_FILE: {
        const request = parseReadFileRequest(payload);
        if (!request || request.length === 0 || request.length > 1024) throw new CardError('MALFORMED', 'bad READ_FILE');
        if (!card) throw new CardError('CARD_REMOVED', 'card gone');
        if (!this.#cardOpen || !sam) throw new CardError('AUTH_FAILED', 'card not opened');
        if (this.#selected !== request.fid) {
          const known = (Object.values(EKTP_FILES) as number[]).includes(request.fid);
          if (!known || !(await selectFile(card, request.fid, 'requested', true))) throw new CardError('NOT_EKTP', 'no such file');
          this.#selected = request.fid;
        }
        const parts: Uint8Array[] = [];
        let got = 0;
        while (got < request.length) {
          const chunk = await readChunk(
            card,
            sam,
            request.fid,
            request.offset + got,
            Math.min(224, request.length - got),
            'requested',
          ).catch((error: unknown) => {
            // Reading past the end of the file: return what there is.
            if (isCardError(error) && error.detail === '6B00' && got > 0) return new Uint8Array(0);
            throw error;
          });
          if (chunk.length === 0) break;
          parts.push(chunk);
          got += chunk.length;
        }
        return reply(CMD.DATA, Uint8Array.from(parts.flatMap((part) => [...part])));
      }
      default:
        throw new CardError('MALFORMED', 'unknown command');
    }
  }

  #error(seq: number, error: CardError): Frame {
    const detail = error.detail !== undefined && /^\d+$/.test(error.detail) ? Number(error.detail) & 0xff : 0;
    return { seq, cmd: CMD.ERROR, payload: Uint8Array.of(moduleErrorCode(error.code), detail) };
  }

  async #send(frame: Frame): Promise<void> {
    await this.#write(encodeFrame(frame));
  }

  async #write(bytes: Uint8Array): Promise<void> {
    if (this.#unplugged) return;
    this.#answers += 1;
    if (this.knobs.unplugAfterAnswers !== undefined && this.#answers > this.knobs.unplugAfterAnswers) {
      this.#unplugged = true;
      await this.link.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      await this.link.close();
      return;
    }
    const out = this.#damage(bytes);
    await this.#wireTime('tx', out.length);
    await this.link.write(out);
  }

  #damage(bytes: Uint8Array): Uint8Array {
    const { dropRate = 0, corruptRate = 0 } = this.knobs;
    if (dropRate === 0 && corruptRate === 0) return bytes;
    const out: number[] = [];
    for (const byte of bytes) {
      if (this.#random() < dropRate) continue;
      out.push(this.#random() < corruptRate ? byte ^ 0x5a : byte);
    }
    return Uint8Array.from(out);
  }

  /**
   * Spends the wire time of `bytes` on one direction of the (full-duplex)
   * line. Times accumulate on a clock per direction and the emulator sleeps
   * only when it is ahead of it, so timer granularity does not inflate them.
   */
  async #wireTime(direction: 'rx' | 'tx', bytes: number): Promise<void> {
    if (!this.knobs.baudRate) return;
    const now = performance.now();
    const free = Math.max(now, this.#lineFreeAt[direction]) + (bytes * 10 * 1000) / this.knobs.baudRate;
    this.#lineFreeAt[direction] = free;
    if (free - now > 1) await sleep(free - now);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
