// Reading an e-KTP through a reader module that does the SAM work inside
// (serial or HID): unlock, open the card, then read the files as plaintext
// ranges. The same parsers as the PC/SC path judge what comes back.
import { toHex } from '../apdu/apdu';
import { BIODATA_MAX_BYTES } from '../ektp/biodata';
import { EKTP_FILES, SAM_KEY_LENGTH } from '../ektp/commands';
import { PHOTO_MAX_BYTES } from '../ektp/photo';
import { checkBiodata, readImagesIntoReadout, readPrefixedFile } from '../ektp/prefixedFile';
import type { CardReadout, ReadProgress, SamSecrets } from '../ektp/readEktp';
import { CardError, isCardError } from '../errors';
import { CMD, MODULE_READ_MAX, readFileRequest, STATUS_FLAGS } from './commands';
import type { SerialModuleClient } from './client';

export interface ModuleStatus {
  firmware: string;
  cardPresent: boolean;
  samPresent: boolean;
  samUnlocked: boolean;
}

export async function moduleStatus(client: SerialModuleClient): Promise<ModuleStatus> {
  const info = await client.request(CMD.PING, new Uint8Array(0), CMD.INFO);
  const flags = (await client.request(CMD.STATUS, new Uint8Array(0), CMD.STATUS_REPLY))[0] ?? 0;
  return {
    firmware: String.fromCharCode(...info.filter((byte) => byte >= 0x20 && byte < 0x7f)).slice(0, 64),
    cardPresent: (flags & STATUS_FLAGS.cardPresent) !== 0,
    samPresent: (flags & STATUS_FLAGS.samPresent) !== 0,
    samUnlocked: (flags & STATUS_FLAGS.samUnlocked) !== 0,
  };
}

/** The module read; `signal` stops it between frames and ends the wait for the frame in flight. */
export async function readEktpViaModule(
  client: SerialModuleClient,
  { pcid, conf }: SamSecrets,
  onProgress: ReadProgress = () => undefined,
  signal?: AbortSignal,
): Promise<CardReadout> {
  onProgress('sam', 0);
  if (pcid.length !== SAM_KEY_LENGTH || conf.length !== SAM_KEY_LENGTH)
    throw new CardError('SAM_LOCKED', `PCID and CONF must be ${SAM_KEY_LENGTH} bytes each (check the booth provisioning).`);
  const key = pcid.map((byte, index) => byte ^ conf[index]!);
  try {
    await client.request(CMD.UNLOCK_SAM, key, CMD.OK, signal);
  } finally {
    key.fill(0);
  }
  onProgress('card', 0);
  onProgress('auth', 0);
  const uid = await client.request(CMD.OPEN_CARD, new Uint8Array(0), CMD.CARD, signal);
  if (uid.length < 4 || uid.length > 10) throw new CardError('MALFORMED', `A UID of ${uid.length} bytes is not ISO 14443.`);
  const read = (fid: number, cap: number, what: string, stage: Parameters<ReadProgress>[0]) =>
    readPrefixedFile(
      (offset, length) => client.request(CMD.READ_FILE, readFileRequest(fid, offset, length), CMD.DATA, signal),
      MODULE_READ_MAX,
      cap,
      what,
      (f) => onProgress(stage, f),
    );
  // The biodata is checked before the photo is read: garbage is refused at once.
  const biodata = checkBiodata(await read(EKTP_FILES.biodata, BIODATA_MAX_BYTES, 'biodata', 'biodata'));
  const readSignature = async () => {
    try {
      return await read(EKTP_FILES.signature, PHOTO_MAX_BYTES, 'signature', 'signature');
    } catch (error) {
      if (isCardError(error) && error.code === 'NOT_EKTP') return undefined; // absent signature file
      throw error;
    }
  };
  return readImagesIntoReadout(uid, biodata, () => read(EKTP_FILES.photo, PHOTO_MAX_BYTES, 'photo', 'photo'), readSignature, toHex);
}
