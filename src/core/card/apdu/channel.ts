// One logical line to a card or a SAM. Drivers (PC/SC, serial, HID) and
// emulators implement `transmit`; the e-KTP flow only ever sees this.
import { CardError } from '../errors';
import { encodeCommand, hexSw, parseResponse, type CommandApdu, type ResponseApdu } from './apdu';

export interface ApduChannel {
  /** Sends one command APDU and returns the raw response (data + SW1 SW2). */
  transmit(command: Uint8Array): Promise<Uint8Array>;
}

/** GET RESPONSE chains are bounded: 64 × 256 bytes covers any e-KTP file. */
const MAX_GET_RESPONSE = 64;

/**
 * Sends a command and follows the two ISO 7816-4 transport hints:
 * `61 xx` (more data: GET RESPONSE 00 C0 00 00 xx, repeated, data joined) and
 * `6C xx` (wrong Le: send the same command again once with Le = xx).
 * Returns the final data and status word; the caller judges the status.
 */
export async function exchange(channel: ApduChannel, command: CommandApdu): Promise<ResponseApdu> {
  let response = parseResponse(await channel.transmit(encodeCommand(command)));
  if (response.sw >> 8 === 0x6c) {
    const exact = response.sw & 0xff;
    response = parseResponse(await channel.transmit(encodeCommand({ ...command, le: exact === 0 ? 256 : exact })));
    if (response.sw >> 8 === 0x6c) throw new CardError('MALFORMED', 'The card asked twice for a different length.', hexSw(response.sw));
  }
  const parts: Uint8Array[] = [response.data];
  let rounds = 0;
  while (response.sw >> 8 === 0x61) {
    if (++rounds > MAX_GET_RESPONSE)
      throw new CardError(
        'ENDLESS_MORE_DATA',
        `The card still said "more data" (${hexSw(response.sw)}) after ${MAX_GET_RESPONSE} GET RESPONSE rounds.`,
        hexSw(response.sw),
      );
    const available = response.sw & 0xff;
    response = parseResponse(
      await channel.transmit(encodeCommand({ cla: 0x00, ins: 0xc0, p1: 0, p2: 0, le: available === 0 ? 256 : available })),
    );
    parts.push(response.data);
  }
  return { data: concat(parts), sw: response.sw };
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
