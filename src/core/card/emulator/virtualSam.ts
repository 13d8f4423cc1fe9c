// A virtual e-KTP SAM: unlocked with PCID XOR CONF, counts wrong tries and
// blocks, computes the cryptograms of mutual authentication and deciphers
// reads once a card is authenticated.
import { randomBytes } from 'node:crypto';
import { parseCommand, SW } from '../apdu/apdu';
import type { ApduChannel } from '../apdu/channel';
import { cipherChunk, openCryptogram, sealCryptogram, sessionKey } from './sessionCrypto';
import { equalBytes, respond } from './respond';

export interface VirtualSamOptions {
  pcid: Uint8Array;
  conf: Uint8Array;
  cardKey: Uint8Array;
  /** Wrong unlocks allowed before the SAM blocks (63 Cx counts down). */
  tries?: number;
}

export class VirtualSam implements ApduChannel {
  #unlocked = false;
  #triesLeft: number;
  #exchange: { rSam: Uint8Array; rCard: Uint8Array; kSam: Uint8Array } | undefined;
  #session: Uint8Array | undefined;

  constructor(private readonly options: VirtualSamOptions) {
    this.#triesLeft = options.tries ?? 3;
  }

  get triesLeft(): number {
    return this.#triesLeft;
  }

  async transmit(bytes: Uint8Array): Promise<Uint8Array> {
    return this.answer(bytes);
  }

  answer(bytes: Uint8Array): Uint8Array {
    const command = parseCommand(bytes);
    if (!command) return respond(0x6700);
    if (command.cla !== 0x00) return respond(SW.CLA_NOT_SUPPORTED);
    switch (command.ins) {
      case 0xf0:
        return this.#unlock(command.data);
      case 0xf1:
        return this.#authenticate(command.data);
      case 0xf2:
        return this.#checkCard(command.data);
      case 0xf3:
        if (!this.#session || !command.data || command.data.length < 2) return respond(SW.CONDITIONS_NOT_SATISFIED);
        return respond(
          SW.OK,
          cipherChunk(
            this.#session,
            (command.data[0]! << 8) | command.data[1]!,
            ((command.p1 & 0x7f) << 8) | command.p2,
            command.data.subarray(2),
          ),
        );
      default:
        return respond(SW.INS_NOT_SUPPORTED);
    }
  }

  #unlock(key: Uint8Array | undefined): Uint8Array {
    if (this.#triesLeft === 0) return respond(SW.AUTH_METHOD_BLOCKED);
    const expected = this.options.pcid.map((byte, index) => byte ^ this.options.conf[index]!);
    if (key && equalBytes(key, expected)) {
      this.#unlocked = true;
      this.#triesLeft = this.options.tries ?? 3;
      return respond(SW.OK);
    }
    this.#unlocked = false;
    this.#triesLeft -= 1;
    return respond(this.#triesLeft === 0 ? SW.AUTH_METHOD_BLOCKED : 0x63c0 | this.#triesLeft);
  }

  #authenticate(data: Uint8Array | undefined): Uint8Array {
    if (!this.#unlocked) return respond(SW.SECURITY_NOT_SATISFIED);
    if (!data || data.length < 12) return respond(SW.WRONG_DATA);
    const rCard = data.slice(data.length - 8);
    const rSam = new Uint8Array(randomBytes(8));
    const kSam = new Uint8Array(randomBytes(16));
    this.#exchange = { rSam, rCard, kSam };
    this.#session = undefined;
    return respond(SW.OK, sealCryptogram(this.options.cardKey, Uint8Array.of(...rSam, ...rCard, ...kSam)));
  }

  #checkCard(data: Uint8Array | undefined): Uint8Array {
    const pending = this.#exchange;
    this.#exchange = undefined;
    if (!pending || !data) return respond(SW.CONDITIONS_NOT_SATISFIED);
    const plain = openCryptogram(this.options.cardKey, data);
    // plain = rCard(8) ‖ rSam(8) ‖ kCard(16)
    if (!plain || !equalBytes(plain.subarray(0, 8), pending.rCard) || !equalBytes(plain.subarray(8, 16), pending.rSam))
      return respond(0x6300);
    this.#session = sessionKey(pending.kSam, plain.subarray(16, 32));
    return respond(SW.OK);
  }
}
