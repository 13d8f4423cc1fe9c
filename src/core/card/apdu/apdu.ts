// ISO/IEC 7816-4 command and response APDUs (short form only: the e-KTP
// never needs extended lengths).
//
// Command:  CLA INS P1 P2 [Lc data] [Le]
//   e.g. SELECT the e-KTP folder: 00 A4 00 00 02 7F 0A
//        READ BINARY 224 bytes at offset 0x0100: 00 B0 01 00 E0
// Response: [data] SW1 SW2, e.g. 90 00 (success), 6A 82 (file not found).
import { CardError } from '../errors';

export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data?: Uint8Array;
  /** Expected response length, 1 to 256 (256 is encoded as 00). */
  le?: number;
}

export interface ResponseApdu {
  data: Uint8Array;
  /** SW1 SW2 as one number, e.g. 0x9000. */
  sw: number;
}

/** Serialises a short command APDU (ISO/IEC 7816-4 §5.1). */
export function encodeCommand(apdu: CommandApdu): Uint8Array {
  const data = apdu.data ?? new Uint8Array(0);
  for (const [name, value] of [
    ['CLA', apdu.cla],
    ['INS', apdu.ins],
    ['P1', apdu.p1],
    ['P2', apdu.p2],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`${name} must be a byte, not ${value}`);
  }
  if (data.length > 255) throw new RangeError(`Lc ${data.length} exceeds a short APDU`);
  if (apdu.le !== undefined && (!Number.isInteger(apdu.le) || apdu.le < 1 || apdu.le > 256))
    throw new RangeError(`Le ${apdu.le} is not 1..256`);
  const bytes = [apdu.cla, apdu.ins, apdu.p1, apdu.p2];
  if (data.length > 0) bytes.push(data.length, ...data);
  if (apdu.le !== undefined) bytes.push(apdu.le === 256 ? 0 : apdu.le);
  return Uint8Array.from(bytes);
}

/** Splits a response into data and status word; fewer than 2 bytes is MALFORMED. */
export function parseResponse(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) throw new CardError('MALFORMED', `A response needs at least the two status bytes; got ${bytes.length}.`);
  const sw = (bytes[bytes.length - 2]! << 8) | bytes[bytes.length - 1]!;
  return { data: bytes.subarray(0, bytes.length - 2), sw };
}

export const SW = {
  OK: 0x9000,
  FILE_NOT_FOUND: 0x6a82,
  SECURITY_NOT_SATISFIED: 0x6982,
  AUTH_METHOD_BLOCKED: 0x6983,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  WRONG_DATA: 0x6a80,
  WRONG_P1P2: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
} as const;

export function hexSw(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}

/** A short human reading of a status word, for technician messages. */
export function describeSw(sw: number): string {
  const sw1 = sw >> 8;
  if (sw === SW.OK) return 'success';
  if (sw1 === 0x61) return `${sw & 0xff} more bytes available`;
  if (sw1 === 0x6c) return `wrong length; exact length is ${sw & 0xff}`;
  if ((sw & 0xfff0) === 0x63c0) return `verification failed, ${sw & 0x0f} tries left`;
  const known: Record<number, string> = {
    [SW.FILE_NOT_FOUND]: 'file or application not found',
    [SW.SECURITY_NOT_SATISFIED]: 'security status not satisfied',
    [SW.AUTH_METHOD_BLOCKED]: 'authentication method blocked',
    [SW.CONDITIONS_NOT_SATISFIED]: 'conditions of use not satisfied',
    [SW.WRONG_DATA]: 'incorrect data',
    [SW.WRONG_P1P2]: 'wrong parameters P1-P2',
    [SW.INS_NOT_SUPPORTED]: 'instruction not supported',
    [SW.CLA_NOT_SUPPORTED]: 'class not supported',
  };
  return known[sw] ?? 'unknown status';
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join('');
}

/** "00 A4 00 00 02 7F 0A" or "00A400...": spaces optional; throws on odd or non-hex text. */
export function fromHex(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(compact)) throw new Error(`not hex: ${text.slice(0, 40)}`);
  return Uint8Array.from(compact.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** Parses a short command APDU (emulators, transcript tools); undefined when its lengths do not add up. */
export function parseCommand(bytes: Uint8Array): CommandApdu | undefined {
  if (bytes.length < 4) return undefined;
  const [cla, ins, p1, p2] = bytes as unknown as [number, number, number, number];
  if (bytes.length === 4) return { cla, ins, p1, p2 };
  if (bytes.length === 5) return { cla, ins, p1, p2, le: bytes[4] === 0 ? 256 : bytes[4]! };
  const lc = bytes[4]!;
  if (lc === 0) return undefined; // extended length: not used here
  const data = bytes.slice(5, 5 + lc);
  if (bytes.length === 5 + lc) return { cla, ins, p1, p2, data };
  if (bytes.length === 6 + lc) return { cla, ins, p1, p2, data, le: bytes[5 + lc] === 0 ? 256 : bytes[5 + lc]! };
  return undefined;
}
