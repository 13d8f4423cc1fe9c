// Frames of the booth's serial card-module protocol (docs/card-serial-protocol.md):
//
//   STX  LEN(2, BE)  SEQ  CMD  PAYLOAD(0..1024)  CRC(2, BE)  ETX
//   02   00 03       07   02   00                XX XX       03
//
// LEN counts SEQ + CMD + PAYLOAD; the CRC (CRC-16/CCITT-FALSE) covers LEN
// through PAYLOAD. There is no byte stuffing: the length, the CRC and the
// ETX together find frame boundaries, and a receiver that loses sync drops
// one byte and looks for the next STX.
import { crc16 } from './crc16';

export const STX = 0x02;
export const ETX = 0x03;
export const MAX_PAYLOAD = 1024;
/** STX + LEN(2) + SEQ + CMD + CRC(2) + ETX. */
export const FRAME_OVERHEAD = 8;

export interface Frame {
  seq: number;
  cmd: number;
  payload: Uint8Array;
}

export function encodeFrame({ seq, cmd, payload }: Frame): Uint8Array {
  if (payload.length > MAX_PAYLOAD) throw new RangeError(`payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD}`);
  const length = payload.length + 2;
  const out = new Uint8Array(payload.length + FRAME_OVERHEAD);
  out[0] = STX;
  out[1] = length >> 8;
  out[2] = length & 0xff;
  out[3] = seq & 0xff;
  out[4] = cmd & 0xff;
  out.set(payload, 5);
  const crc = crc16(out, 1, 5 + payload.length);
  out[5 + payload.length] = crc >> 8;
  out[6 + payload.length] = crc & 0xff;
  out[7 + payload.length] = ETX;
  return out;
}

export type FrameFault = 'crc' | 'framing' | 'length';

export interface DecoderEvents {
  frame(frame: Frame): void;
  /** A damaged frame was dropped (the sender may be asked to resend). */
  fault(kind: FrameFault): void;
}

/**
 * Streaming decoder: feed it bytes as they arrive, in any split. It holds at
 * most one maximum-size frame, so a hostile stream cannot make it allocate more.
 */
export class FrameDecoder {
  readonly #buffer = new Uint8Array(MAX_PAYLOAD + FRAME_OVERHEAD);
  #filled = 0;

  constructor(private readonly events: DecoderEvents) {}

  push(bytes: Uint8Array): void {
    for (const byte of bytes) {
      if (this.#filled === 0 && byte !== STX) continue; // noise between frames
      this.#buffer[this.#filled++] = byte;
      this.#scan();
    }
  }

  /** Forgets a partial frame (after a timeout or an unplug). */
  reset(): void {
    this.#filled = 0;
  }

  #scan(): void {
    if (this.#filled < 3) return;
    const length = (this.#buffer[1]! << 8) | this.#buffer[2]!;
    if (length < 2 || length > MAX_PAYLOAD + 2) {
      this.events.fault('length');
      this.#resync();
      return;
    }
    const total = length + 6;
    if (this.#filled < total) return;
    if (this.#buffer[total - 1] !== ETX) {
      this.events.fault('framing');
      this.#resync();
      return;
    }
    const expected = (this.#buffer[total - 3]! << 8) | this.#buffer[total - 2]!;
    if (crc16(this.#buffer, 1, total - 3) !== expected) {
      this.events.fault('crc');
      this.#resync();
      return;
    }
    const frame = { seq: this.#buffer[3]!, cmd: this.#buffer[4]!, payload: this.#buffer.slice(5, total - 3) };
    this.#filled = 0;
    this.events.frame(frame);
  }

  /** Drops the leading STX and re-reads the rest, which may hold the next frame. */
  #resync(): void {
    const rest = this.#buffer.slice(1, this.#filled);
    this.#filled = 0;
    this.push(rest);
  }
}
