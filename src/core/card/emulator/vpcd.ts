// A virtual card behind the real pcscd, through vsmartcard's vpcd driver.
// vpcd listens on TCP (35963 for its first reader, 35964 for the second);
// a virtual card "is on the reader" while it is connected. Each message is
//   LEN (2 bytes, big-endian)  DATA (LEN bytes)
// From vpcd, a 1-byte DATA is control: 00 power off, 01 power on, 02 reset,
// 04 "send your ATR"; anything longer is a command APDU. The card answers
// the ATR request and every APDU, and nothing else.
import { connect, type Socket } from 'node:net';

export const VPCD_CONTROL = { powerOff: 0x00, powerOn: 0x01, reset: 0x02, atr: 0x04 } as const;

/** Contactless ISO 14443-4 card as PC/SC part 3 presents it (the e-KTP). */
export const CONTACTLESS_ATR = Uint8Array.from([
  0x3b, 0x8f, 0x80, 0x01, 0x80, 0x4f, 0x0c, 0xa0, 0x00, 0x00, 0x03, 0x06, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x6a,
]);
/** A minimal T=1 contact card (the SAM): TS 3B, T0 80, TD1 80, TD2 01, TCK 01. */
export const CONTACT_T1_ATR = Uint8Array.from([0x3b, 0x80, 0x80, 0x01, 0x01]);

/** Splits a vpcd byte stream into messages; a message can be at most 65,535 bytes by construction. */
export class VpcdMessageDecoder {
  #pending = new Uint8Array(0);

  constructor(private readonly onMessage: (message: Uint8Array) => void) {}

  push(bytes: Uint8Array): void {
    const joined = new Uint8Array(this.#pending.length + bytes.length);
    joined.set(this.#pending);
    joined.set(bytes, this.#pending.length);
    let at = 0;
    while (joined.length - at >= 2) {
      const length = (joined[at]! << 8) | joined[at + 1]!;
      if (joined.length - at - 2 < length) break;
      this.onMessage(joined.slice(at + 2, at + 2 + length));
      at += 2 + length;
    }
    this.#pending = joined.slice(at);
  }
}

export function encodeVpcdMessage(data: Uint8Array): Uint8Array {
  if (data.length > 0xffff) throw new RangeError('vpcd message too long');
  return Uint8Array.of(data.length >> 8, data.length & 0xff, ...data);
}

export interface ApduResponder {
  /**
   * Answers one command APDU (response data ‖ SW1 SW2). null: say nothing,
   * as a card that stopped answering does (tests of the read deadline).
   */
  answer(command: Uint8Array): Uint8Array | null;
  /** Called when the reader powers the card off or resets it. */
  reset?(): void;
}

export interface VirtualCardConnection {
  /** Takes the card off the reader (closes the connection). */
  remove(): Promise<void>;
  readonly removed: Promise<void>;
}

/** Puts a virtual card on a vpcd reader: connects to 127.0.0.1:port and answers vpcd. */
export function insertVirtualCard(
  port: number,
  atr: Uint8Array,
  responder: ApduResponder,
  host = '127.0.0.1',
): Promise<VirtualCardConnection> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host, port });
    // One small message per APDU: without this, Nagle and delayed ACKs add ~40 ms to each.
    socket.setNoDelay(true);
    const removed = new Promise<void>((done) => socket.once('close', () => done()));
    const decoder = new VpcdMessageDecoder((message) => {
      if (message.length === 1) {
        const control = message[0];
        if (control === VPCD_CONTROL.atr) socket.write(encodeVpcdMessage(atr));
        else if (control === VPCD_CONTROL.powerOff || control === VPCD_CONTROL.reset) responder.reset?.();
        return;
      }
      const answer = responder.answer(message);
      if (answer) socket.write(encodeVpcdMessage(answer));
    });
    socket.on('data', (chunk) => decoder.push(new Uint8Array(chunk)));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => socket.destroy());
      resolve({
        removed,
        remove: async () => {
          socket.end();
          socket.destroy();
          await removed;
        },
      });
    });
  });
}
