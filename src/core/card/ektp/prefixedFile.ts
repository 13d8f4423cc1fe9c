// Reading a length-prefixed chip file through any "read this range" function
// (APDUs through a SAM, or a module's READ_FILE): 2-byte big-endian length,
// then that many bytes, fetched in chunks no larger than `chunk`.
import { concat } from '../apdu/channel';
import { CardError } from '../errors';
import { parseBiodataRecord } from './biodata';
import { declaredLength, parseImage } from './photo';
import type { CardReadout } from './readEktp';

export type ReadRange = (offset: number, length: number) => Promise<Uint8Array>;

export async function readPrefixedFile(readRange: ReadRange, chunk: number, cap: number, what: string, onProgress: (fraction: number) => void = () => undefined): Promise<Uint8Array> {
  const first = await readRange(0, Math.min(chunk, cap + 2));
  const total = declaredLength(first, cap, what) + 2;
  const parts = [first.subarray(0, Math.min(first.length, total))];
  let offset = parts[0]!.length;
  while (offset < total) {
    const part = await readRange(offset, Math.min(chunk, total - offset));
    if (part.length === 0) throw new CardError('MALFORMED', `The ${what} file ended at ${offset} of ${total} bytes.`);
    const useful = part.subarray(0, total - offset);
    parts.push(useful);
    offset += useful.length;
    onProgress(offset / total);
  }
  onProgress(1);
  return concat(parts).subarray(2);
}

/** The readout from the raw files, whichever way they were read. */
export function assembleReadout(uid: Uint8Array, biodataBytes: Uint8Array, photoBytes: Uint8Array, signatureBytes: Uint8Array | undefined, toHex: (bytes: Uint8Array) => string): CardReadout {
  const biodata = parseBiodataRecord(biodataBytes);
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
