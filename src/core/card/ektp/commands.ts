// The e-KTP read flow's commands, in one place so that a vendor's exact bytes
// can replace the public description (shared/reference/e-ktp-card.md).
//
// Card (contactless slot):
//   FF CA 00 00 00          GET DATA: card UID (PC/SC pseudo-APDU, PC/SC part 3)
//   00 A4 00 00 02 7F 0A    SELECT the e-KTP folder
//   00 A4 00 00 02 6F F1    SELECT a file (here: biodata)
//   00 84 00 00 08          GET CHALLENGE: 8 random bytes from the card
//   00 82 00 00 28 <40 B>   EXTERNAL AUTHENTICATE with the SAM's cryptogram
//   00 B0 <off> <Le>        READ BINARY, answered enciphered after authentication
// SAM (second slot):
//   00 F0 00 00 20 <32 B>   unlock with PCID XOR CONF
//   00 F1 00 00 <uid‖chal>  compute the cryptogram for EXTERNAL AUTHENTICATE
//   00 F2 00 00 28 <40 B>   check the card's answer; the SAM now holds the session key
//   00 F3 <off> <fid‖data>  decipher a chunk read at that offset of that file
import type { CommandApdu } from '../apdu/apdu';

export const EKTP_FOLDER = 0x7f0a;

export const EKTP_FILES = {
  control: 0x6ff0,
  biodata: 0x6ff1,
  photo: 0x6ff2,
  signature: 0x6ff3,
  fingerprint1: 0x6ff4,
  fingerprint2: 0x6ff5,
  digitalSignature: 0x6ff6,
} as const;

/** Bytes per READ BINARY: under the 256 limit, and a multiple of 16 for the cipher. */
export const READ_CHUNK = 224;
export const CHALLENGE_LENGTH = 8;
export const CRYPTOGRAM_LENGTH = 40;
export const SAM_KEY_LENGTH = 32;

const fidBytes = (fid: number) => Uint8Array.of(fid >> 8, fid & 0xff);

export const cardCommands = {
  getUid: (): CommandApdu => ({ cla: 0xff, ins: 0xca, p1: 0, p2: 0, le: 256 }),
  select: (fid: number): CommandApdu => ({ cla: 0x00, ins: 0xa4, p1: 0, p2: 0, data: fidBytes(fid) }),
  getChallenge: (): CommandApdu => ({ cla: 0x00, ins: 0x84, p1: 0, p2: 0, le: CHALLENGE_LENGTH }),
  externalAuthenticate: (cryptogram: Uint8Array): CommandApdu => ({
    cla: 0x00,
    ins: 0x82,
    p1: 0,
    p2: 0,
    data: cryptogram,
    le: CRYPTOGRAM_LENGTH,
  }),
  readBinary: (offset: number, length: number): CommandApdu => ({
    cla: 0x00,
    ins: 0xb0,
    p1: (offset >> 8) & 0x7f,
    p2: offset & 0xff,
    le: length,
  }),
};

export const samCommands = {
  unlock: (key: Uint8Array): CommandApdu => ({ cla: 0x00, ins: 0xf0, p1: 0, p2: 0, data: key }),
  authenticate: (uid: Uint8Array, challenge: Uint8Array): CommandApdu => ({
    cla: 0x00,
    ins: 0xf1,
    p1: 0,
    p2: 0,
    data: Uint8Array.of(...uid, ...challenge),
    le: CRYPTOGRAM_LENGTH,
  }),
  checkCard: (answer: Uint8Array): CommandApdu => ({ cla: 0x00, ins: 0xf2, p1: 0, p2: 0, data: answer }),
  decipher: (fid: number, offset: number, chunk: Uint8Array): CommandApdu => ({
    cla: 0x00,
    ins: 0xf3,
    p1: (offset >> 8) & 0x7f,
    p2: offset & 0xff,
    data: Uint8Array.of(...fidBytes(fid), ...chunk),
    le: chunk.length,
  }),
};
