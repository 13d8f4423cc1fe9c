// Reads an e-KTP through a card channel and a SAM channel: SAM unlock, card
// UID, folder, mutual authentication relayed through the SAM, then the
// biodata, photo and (if present) signature files, each chunk deciphered by
// the SAM. The reader never holds a card key: the SAM does all cryptography.
import { hexSw, SW, toHex } from '../apdu/apdu';
import { exchange, type ApduChannel } from '../apdu/channel';
import { CardError } from '../errors';
import { BIODATA_MAX_BYTES, type Biodata } from './biodata';
import {
  cardCommands,
  CHALLENGE_LENGTH,
  CRYPTOGRAM_LENGTH,
  EKTP_FILES,
  EKTP_FOLDER,
  READ_CHUNK,
  SAM_KEY_LENGTH,
  samCommands,
} from './commands';
import { PHOTO_MAX_BYTES, type ImageFormat } from './photo';
import { abortableChannel } from '../abort';
import { checkBiodata, readImagesIntoReadout, readPrefixedFile } from './prefixedFile';

export interface SamSecrets {
  /** 32 bytes each, issued with the SAM. Never logged, never sent to the renderer. */
  pcid: Uint8Array;
  conf: Uint8Array;
}

export interface CardReadout {
  /** Hex of the contactless UID. */
  chipUid: string;
  nik: string;
  biodata: Biodata;
  photo: { format: ImageFormat; bytes: Uint8Array };
  signatureImage?: { format: ImageFormat; bytes: Uint8Array };
  auth: { samAuthenticated: true; method: 'sam-mutual-authentication' };
}

export interface ReadProgress {
  (stage: 'sam' | 'card' | 'auth' | 'biodata' | 'photo' | 'signature', fraction: number): void;
}

/** Overwrites the images of a readout that is being dropped (biodata strings cannot be wiped in JS). */
export function zeroReadout(readout: CardReadout | null | undefined): void {
  readout?.photo.bytes.fill(0);
  readout?.signatureImage?.bytes.fill(0);
}

/**
 * Reads the whole card; every failure is a CardError. The biodata is checked
 * before the photo is read (a card with garbage biodata is refused at once).
 * `signal` stops the read: no APDU is sent after it fires, and the one in
 * flight is no longer waited for (CANCELLED, or the signal's CardError).
 */
export async function readEktp(
  cardLine: ApduChannel,
  samLine: ApduChannel,
  secrets: SamSecrets,
  onProgress: ReadProgress = () => undefined,
  signal?: AbortSignal,
): Promise<CardReadout> {
  const card = abortableChannel(cardLine, signal);
  const sam = abortableChannel(samLine, signal);
  onProgress('sam', 0);
  await unlockSam(sam, secrets);
  onProgress('card', 0);
  const uid = await openCard(card, sam, () => onProgress('auth', 0));
  const biodata = checkBiodata(
    await readFile(card, sam, EKTP_FILES.biodata, BIODATA_MAX_BYTES, 'biodata', (f) => onProgress('biodata', f)),
  );
  return readImagesIntoReadout(
    uid,
    biodata,
    () => readFile(card, sam, EKTP_FILES.photo, PHOTO_MAX_BYTES, 'photo', (f) => onProgress('photo', f)),
    () => readFile(card, sam, EKTP_FILES.signature, PHOTO_MAX_BYTES, 'signature', (f) => onProgress('signature', f), true),
    toHex,
  );
}

/** The card's UID, after selecting the e-KTP folder and authenticating card and SAM to each other. */
export async function openCard(card: ApduChannel, sam: ApduChannel, onAuth: () => void = () => undefined): Promise<Uint8Array> {
  // A card that answers at all is on the reader: refusing the UID makes it unreadable, not absent.
  const uid = await expectOk(card, cardCommands.getUid(), 'UNREADABLE_CARD', 'The card on the reader refused to give its UID.');
  if (uid.length < 4 || uid.length > 10) throw new CardError('MALFORMED', `A UID of ${uid.length} bytes is not ISO 14443.`);
  const folder = await exchange(card, cardCommands.select(EKTP_FOLDER));
  if (folder.sw !== SW.OK) throw new CardError('NOT_EKTP', 'The card has no e-KTP folder.', hexSw(folder.sw));
  onAuth();
  await authenticate(card, sam, uid);
  return uid;
}

export async function unlockSam(sam: ApduChannel, { pcid, conf }: SamSecrets): Promise<void> {
  if (pcid.length !== SAM_KEY_LENGTH || conf.length !== SAM_KEY_LENGTH)
    throw new CardError('SAM_LOCKED', `PCID and CONF must be ${SAM_KEY_LENGTH} bytes each (check the booth provisioning).`);
  const key = pcid.map((byte, index) => byte ^ conf[index]!);
  let answer;
  try {
    answer = await exchange(sam, samCommands.unlock(key));
  } finally {
    key.fill(0);
  }
  if (answer.sw === SW.OK) return;
  if ((answer.sw & 0xfff0) === 0x63c0)
    throw new CardError('SAM_LOCKED', `The SAM refused PCID/CONF; ${answer.sw & 0x0f} tries left before it blocks.`, hexSw(answer.sw));
  if (answer.sw === SW.AUTH_METHOD_BLOCKED)
    throw new CardError('SAM_LOCKED', 'The SAM is blocked; it must go back to Dukcapil.', hexSw(answer.sw));
  if (answer.sw === SW.INS_NOT_SUPPORTED || answer.sw === SW.CLA_NOT_SUPPORTED)
    throw new CardError('SAM_MISSING', 'The card in the SAM slot is not an e-KTP SAM.', hexSw(answer.sw));
  throw new CardError('SAM_LOCKED', 'The SAM did not unlock.', hexSw(answer.sw));
}

async function authenticate(card: ApduChannel, sam: ApduChannel, uid: Uint8Array): Promise<void> {
  const challenge = await expectOk(card, cardCommands.getChallenge(), 'AUTH_FAILED', 'The card gave no challenge.');
  if (challenge.length !== CHALLENGE_LENGTH)
    throw new CardError('MALFORMED', `A challenge of ${challenge.length} bytes; expected ${CHALLENGE_LENGTH}.`);
  const cryptogram = await expectOk(
    sam,
    samCommands.authenticate(uid, challenge),
    'AUTH_FAILED',
    'The SAM could not answer the challenge.',
  );
  if (cryptogram.length !== CRYPTOGRAM_LENGTH)
    throw new CardError('MALFORMED', `A SAM cryptogram of ${cryptogram.length} bytes; expected ${CRYPTOGRAM_LENGTH}.`);
  const cardAnswer = await expectOk(card, cardCommands.externalAuthenticate(cryptogram), 'AUTH_FAILED', 'The card refused the SAM.');
  if (cardAnswer.length !== CRYPTOGRAM_LENGTH)
    throw new CardError('MALFORMED', `A card answer of ${cardAnswer.length} bytes; expected ${CRYPTOGRAM_LENGTH}.`);
  await expectOk(sam, samCommands.checkCard(cardAnswer), 'AUTH_FAILED', 'The SAM refused the card: not a genuine e-KTP, or a damaged one.');
}

/** Selects a file and reads it: 2-byte length prefix, then that many bytes, in READ_CHUNK pieces. */
async function readFile(
  card: ApduChannel,
  sam: ApduChannel,
  fid: number,
  cap: number,
  what: string,
  onProgress: (fraction: number) => void,
): Promise<Uint8Array>;
async function readFile(
  card: ApduChannel,
  sam: ApduChannel,
  fid: number,
  cap: number,
  what: string,
  onProgress: (fraction: number) => void,
  optional: true,
): Promise<Uint8Array | undefined>;
async function readFile(
  card: ApduChannel,
  sam: ApduChannel,
  fid: number,
  cap: number,
  what: string,
  onProgress: (fraction: number) => void,
  optional = false,
): Promise<Uint8Array | undefined> {
  const present = await selectFile(card, fid, what, optional);
  if (!present) return undefined;
  return readPrefixedFile((offset, length) => readChunk(card, sam, fid, offset, length, what), READ_CHUNK, cap, what, onProgress);
}

/** Selects a file; false when it is absent and optional. */
export async function selectFile(card: ApduChannel, fid: number, what: string, optional = false): Promise<boolean> {
  const selected = await exchange(card, cardCommands.select(fid));
  if (selected.sw === SW.FILE_NOT_FOUND && optional) return false;
  if (selected.sw === SW.FILE_NOT_FOUND) throw new CardError('NOT_EKTP', `The card has no ${what} file.`, hexSw(selected.sw));
  if (selected.sw !== SW.OK) throw new CardError('MALFORMED', `Selecting the ${what} file failed.`, hexSw(selected.sw));
  return true;
}

/** One READ BINARY of the selected file, deciphered by the SAM. */
export async function readChunk(
  card: ApduChannel,
  sam: ApduChannel,
  fid: number,
  offset: number,
  length: number,
  what: string,
): Promise<Uint8Array> {
  if (offset > 0x7fff) throw new CardError('TOO_LARGE', `The ${what} file reaches past the 32 KB READ BINARY range.`);
  const read = await exchange(card, cardCommands.readBinary(offset, length));
  if (read.sw === SW.SECURITY_NOT_SATISFIED)
    throw new CardError('AUTH_FAILED', `The card refused to read the ${what} file.`, hexSw(read.sw));
  if (read.sw !== SW.OK) throw new CardError('MALFORMED', `Reading the ${what} file at ${offset} failed.`, hexSw(read.sw));
  if (read.data.length > length) throw new CardError('MALFORMED', `The card sent ${read.data.length} bytes for a ${length}-byte read.`);
  if (read.data.length === 0) return read.data;
  const plain = await exchange(sam, samCommands.decipher(fid, offset, read.data));
  if (plain.sw !== SW.OK) throw new CardError('AUTH_FAILED', `The SAM could not decipher the ${what} file.`, hexSw(plain.sw));
  if (plain.data.length !== read.data.length)
    throw new CardError('MALFORMED', `The SAM returned ${plain.data.length} bytes for ${read.data.length}.`);
  return plain.data;
}

async function expectOk(
  channel: ApduChannel,
  command: Parameters<typeof exchange>[1],
  code: CardError['code'],
  message: string,
): Promise<Uint8Array> {
  const answer = await exchange(channel, command);
  if (answer.sw !== SW.OK) throw new CardError(code, message, hexSw(answer.sw));
  return answer.data;
}
