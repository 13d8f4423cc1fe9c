// Commands of the serial (and HID) card-module protocol. The module does
// the SAM work itself; the host asks for the SAM unlock, the card session
// and file ranges, and receives plaintext.
import type { CardErrorCode } from '../errors';

export const CMD = {
  PING: 0x01, // → INFO: ASCII firmware name
  STATUS: 0x02, // → STATUS: [flags] bit 0 card present, bit 1 SAM present, bit 2 SAM unlocked
  UNLOCK_SAM: 0x03, // [32 bytes PCID XOR CONF] → OK
  OPEN_CARD: 0x04, // → CARD: the UID, after folder selection and mutual authentication
  READ_FILE: 0x05, // [FID(2) offset(2) length(2)] → DATA: up to 1024 plaintext bytes
  NAK: 0x15, // either way: "your last frame arrived damaged, send it again"
  INFO: 0x81,
  STATUS_REPLY: 0x82,
  OK: 0x83,
  CARD: 0x84,
  DATA: 0x85,
  ERROR: 0xee, // [code, detail] see moduleErrors
} as const;

/** ERROR payload byte 0 → the booth's card error; byte 1 is detail (e.g. SAM tries left). */
export const moduleErrors: Record<number, CardErrorCode> = {
  0x01: 'NO_CARD',
  0x02: 'CARD_REMOVED',
  0x03: 'SAM_MISSING',
  0x04: 'SAM_LOCKED',
  0x05: 'NOT_EKTP',
  0x06: 'AUTH_FAILED',
  0x07: 'MALFORMED',
  0x08: 'NOT_EKTP', // file not found
  0x09: 'UNREADABLE_CARD', // a card in the field that does not answer as a card should
  0x0a: 'ENDLESS_MORE_DATA', // the card kept answering 61 xx
  0x0b: 'TOO_LARGE',
};

export const moduleErrorCode = (code: CardErrorCode): number =>
  Number(Object.entries(moduleErrors).find(([, value]) => value === code)?.[0] ?? 0x07);

export const STATUS_FLAGS = { cardPresent: 0x01, samPresent: 0x02, samUnlocked: 0x04 } as const;

/** Largest READ_FILE answer: the frame payload limit. */
export const MODULE_READ_MAX = 1024;

export function readFileRequest(fid: number, offset: number, length: number): Uint8Array {
  return Uint8Array.of(fid >> 8, fid & 0xff, offset >> 8, offset & 0xff, length >> 8, length & 0xff);
}

export function parseReadFileRequest(payload: Uint8Array): { fid: number; offset: number; length: number } | undefined {
  if (payload.length !== 6) return undefined;
  const word = (at: number) => (payload[at]! << 8) | payload[at + 1]!;
  return { fid: word(0), offset: word(2), length: word(4) };
}
