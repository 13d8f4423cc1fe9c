// A virtual e-KTP: answers the APDUs of the public read flow from files held
// in memory, enciphering reads once the SAM has authenticated. Knobs make it
// behave like awkward real cards (T=0 response chaining, strict Le).
import { randomBytes } from 'node:crypto';
import { parseCommand, SW } from '../apdu/apdu';
import type { ApduChannel } from '../apdu/channel';
import { EKTP_FOLDER } from '../ektp/commands';
import { cipherChunk, openCryptogram, sealCryptogram, sessionKey } from './sessionCrypto';
import { equalBytes, respond } from './respond';

export interface VirtualCardOptions {
  uid: Uint8Array;
  /** File contents as stored on the chip (2-byte length prefix included). */
  files: Map<number, Uint8Array>;
  /** 16-byte key shared with the virtual SAM (personalisation). */
  cardKey: Uint8Array;
  /** False: a contactless card that is not an e-KTP (no 7F0A folder). */
  isEktp?: boolean;
  /** Answer every response with data as 61 xx, to be fetched with GET RESPONSE (T=0 style). */
  chainResponses?: boolean;
  /** A READ BINARY past the end answers 6C xx (exact length) instead of the shorter data. */
  strictLe?: boolean;
}

export class VirtualEktpCard implements ApduChannel {
  #folder = false;
  #file: number | undefined;
  #challenge: Uint8Array | undefined;
  #session: Uint8Array | undefined;
  #pending: Uint8Array | undefined;

  constructor(private readonly options: VirtualCardOptions) {}

  /** Power-cycles the card: forgets selection and session, like a card leaving and re-entering the field. */
  reset(): void {
    this.#folder = false;
    this.#file = undefined;
    this.#challenge = undefined;
    this.#session = undefined;
    this.#pending = undefined;
  }

  async transmit(bytes: Uint8Array): Promise<Uint8Array> {
    return this.answer(bytes);
  }

  answer(bytes: Uint8Array): Uint8Array {
    const command = parseCommand(bytes);
    if (!command) return respond(0x6700); // wrong length
    if (command.cla === 0x00 && command.ins === 0xc0) return this.#getResponse(command.le ?? 256);
    this.#pending = undefined;
    if (command.cla === 0xff && command.ins === 0xca) return this.#withData(this.options.uid);
    if (command.cla !== 0x00) return respond(SW.CLA_NOT_SUPPORTED);
    switch (command.ins) {
      case 0xa4:
        return this.#select(command.data);
      case 0x84:
        if (!this.#folder) return respond(SW.CONDITIONS_NOT_SATISFIED);
        this.#challenge = new Uint8Array(randomBytes(8));
        return this.#withData(this.#challenge);
      case 0x82:
        return this.#externalAuthenticate(command.data);
      case 0xb0:
        return this.#readBinary(((command.p1 & 0x7f) << 8) | command.p2, command.le ?? 256);
      default:
        return respond(SW.INS_NOT_SUPPORTED);
    }
  }

  #select(data: Uint8Array | undefined): Uint8Array {
    if (!data || data.length !== 2) return respond(SW.WRONG_DATA);
    const fid = (data[0]! << 8) | data[1]!;
    if (fid === EKTP_FOLDER) {
      if (this.options.isEktp === false) return respond(SW.FILE_NOT_FOUND);
      this.#folder = true;
      this.#file = undefined;
      return respond(SW.OK);
    }
    if (!this.#folder || !this.options.files.has(fid)) return respond(SW.FILE_NOT_FOUND);
    this.#file = fid;
    return respond(SW.OK);
  }

  #externalAuthenticate(data: Uint8Array | undefined): Uint8Array {
    const challenge = this.#challenge;
    this.#challenge = undefined; // one try per challenge
    if (!challenge || !data) return respond(SW.CONDITIONS_NOT_SATISFIED);
    const plain = openCryptogram(this.options.cardKey, data);
    // plain = rSam(8) ‖ rCard(8) ‖ kSam(16)
    if (!plain || !equalBytes(plain.subarray(8, 16), challenge)) return respond(0x6300);
    const kCard = new Uint8Array(randomBytes(16));
    this.#session = sessionKey(plain.subarray(16, 32), kCard);
    const answer = sealCryptogram(this.options.cardKey, Uint8Array.of(...challenge, ...plain.subarray(0, 8), ...kCard));
    return this.#withData(answer);
  }

  #readBinary(offset: number, le: number): Uint8Array {
    if (!this.#session) return respond(SW.SECURITY_NOT_SATISFIED);
    if (this.#file === undefined) return respond(0x6986); // no current EF
    const content = this.options.files.get(this.#file)!;
    if (offset >= content.length) return respond(SW.WRONG_P1P2);
    const available = content.length - offset;
    if (this.options.strictLe && le > available) return respond(0x6c00 | Math.min(available, 0xff));
    const plain = content.subarray(offset, offset + Math.min(le, available));
    return this.#withData(cipherChunk(this.#session, this.#file, offset, plain));
  }

  #withData(data: Uint8Array): Uint8Array {
    if (!this.options.chainResponses || data.length === 0) return respond(SW.OK, data);
    this.#pending = data;
    return respond(0x6100 | (data.length & 0xff));
  }

  #getResponse(le: number): Uint8Array {
    const pending = this.#pending;
    if (!pending) return respond(SW.CONDITIONS_NOT_SATISFIED);
    const part = pending.subarray(0, le);
    const rest = pending.subarray(le);
    this.#pending = rest.length ? rest : undefined;
    return respond(rest.length ? 0x6100 | (rest.length & 0xff) : SW.OK, part);
  }
}
