// Reading a length-prefixed chip file through any "read this range" function
// (APDUs through a SAM, or a module's READ_FILE): 2-byte big-endian length,
// then that many bytes, fetched in chunks no larger than `chunk`.
import { concat } from '../apdu/channel';
import { CardError } from '../errors';
import { parseBiodataRecord, type Biodata } from './biodata';
import { declaredLength, parseImage } from './photo';
import type { CardReadout } from './readEktp';

export type ReadRange = (offset: number, length: number) => Promise<Uint8Array>;

/**
 * Reads the whole file and returns it without its prefix. The chunks are
 * zeroed once copied, and on any failure what was read so far is zeroed:
 * a dropped read leaves no photo bytes behind.
 */
export async function readPrefixedFile(
  readRange: ReadRange,
  chunk: number,
  cap: number,
  what: string,
  onProgress: (fraction: number) => void = () => undefined,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  try {
    const first = await readRange(0, Math.min(chunk, cap + 2));
    chunks.push(first);
    const total = declaredLength(first, cap, what) + 2;
    const parts = [first.subarray(0, Math.min(first.length, total))];
    let offset = parts[0]!.length;
    while (offset < total) {
      const part = await readRange(offset, Math.min(chunk, total - offset));
      chunks.push(part);
      if (part.length === 0) throw new CardError('MALFORMED', `The ${what} file ended at ${offset} of ${total} bytes.`);
      const useful = part.subarray(0, total - offset);
      parts.push(useful);
      offset += useful.length;
      onProgress(offset / total);
    }
    onProgress(1);
    return concat(parts).subarray(2);
  } finally {
    for (const part of chunks) part.fill(0);
  }
}

/** Parses the biodata file, then zeroes its raw bytes (the parsed strings cannot be wiped in JS). */
export function checkBiodata(bytes: Uint8Array): Biodata {
  try {
    return parseBiodataRecord(bytes);
  } finally {
    bytes.fill(0);
  }
}

/**
 * Reads the photo, then the signature image (undefined when the card has
 * none), and builds the readout. The biodata was checked before: a card
 * with garbage biodata is refused before its photo is read. On any failure
 * the image bytes read so far are zeroed.
 */
export async function readImagesIntoReadout(
  uid: Uint8Array,
  biodata: Biodata,
  readPhoto: () => Promise<Uint8Array>,
  readSignature: () => Promise<Uint8Array | undefined>,
  toHex: (bytes: Uint8Array) => string,
): Promise<CardReadout> {
  const photo = await readPhoto();
  let signature: Uint8Array | undefined;
  try {
    signature = await readSignature();
    return assembleReadout(uid, biodata, photo, signature, toHex);
  } catch (error) {
    photo.fill(0);
    signature?.fill(0);
    throw error;
  }
}

/** The readout from the raw files, whichever way they were read. */
export function assembleReadout(
  uid: Uint8Array,
  biodata: Biodata,
  photoBytes: Uint8Array,
  signatureBytes: Uint8Array | undefined,
  toHex: (bytes: Uint8Array) => string,
): CardReadout {
  const photo = parseImage(photoBytes, 'photo');
  const signatureImage = signatureBytes && parseImage(signatureBytes, 'signature image');
  return {
    chipUid: toHex(uid),
    nik: biodata.nik,
    biodata,
    photo,
    ...(signatureImage ? { signatureImage } : {}),
    auth: { samAuthenticated: true, method: 'sam-mutual-authentication' },
  };
}
