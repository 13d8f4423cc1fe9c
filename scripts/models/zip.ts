// A stored (uncompressed) zip writer and reader for MediaPipe .task bundles.
// Stored entries let MediaPipe use the model bytes in place; fixed
// timestamps and entry order make the archive byte-for-byte reproducible.
import { crc32 } from 'node:zlib';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIR = 0x06054b50;
// MS-DOS date for 1980-01-01 (the format's epoch), time 00:00:00.
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
// Extra-field id zipalign uses for padding; readers skip unknown ids.
const PADDING_EXTRA_ID = 0xd935;
const ALIGN = 16;

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/**
 * Writes a zip of stored entries (PKWARE APPNOTE 4.3.7 local header,
 * 4.3.12 central directory, 4.3.16 end record), padding each local header's
 * extra field so entry data starts on a 16-byte boundary.
 */
export function writeStoredZip(entries: ZipEntry[]): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(entry.data);
    let pad = (ALIGN - ((offset + 30 + name.length) % ALIGN)) % ALIGN;
    if (pad > 0 && pad < 4) pad += ALIGN;
    const extra = Buffer.alloc(pad);
    if (pad > 0) {
      extra.writeUInt16LE(PADDING_EXTRA_ID, 0);
      extra.writeUInt16LE(pad - 4, 2);
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(10, 4); // version needed: 1.0, stored
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(0, 8); // method: stored
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(pad, 28);
    parts.push(local, name, extra, Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength));

    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(CENTRAL_HEADER, 0);
    dir.writeUInt16LE(10, 4); // made by: MS-DOS, 1.0
    dir.writeUInt16LE(10, 6);
    dir.writeUInt16LE(0, 8);
    dir.writeUInt16LE(0, 10);
    dir.writeUInt16LE(DOS_TIME, 12);
    dir.writeUInt16LE(DOS_DATE, 14);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(entry.data.length, 20);
    dir.writeUInt32LE(entry.data.length, 24);
    dir.writeUInt16LE(name.length, 28);
    // extra, comment, disk, attributes: all zero
    dir.writeUInt32LE(offset, 42);
    central.push(dir, name);
    offset += 30 + name.length + pad + entry.data.length;
  }
  const dirSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIR, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirSize, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, ...central, end]));
}

/**
 * Lists a stored zip's entries via its central directory (APPNOTE 4.3.12,
 * 4.3.16), checking each CRC; refuses compressed entries and archive
 * comments, which our writer never produces.
 */
export function readStoredZip(zip: Uint8Array): ZipEntry[] {
  const buf = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  const endAt = buf.length - 22;
  if (endAt < 0 || buf.readUInt32LE(endAt) !== END_OF_CENTRAL_DIR)
    throw new Error('Not a zip (or it has an archive comment): no end-of-central-directory record at the end.');
  const count = buf.readUInt16LE(endAt + 10);
  let at = buf.readUInt32LE(endAt + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== CENTRAL_HEADER) throw new Error(`Zip central directory entry ${i} is damaged.`);
    const method = buf.readUInt16LE(at + 10);
    const crc = buf.readUInt32LE(at + 16);
    const size = buf.readUInt32LE(at + 24);
    const nameLen = buf.readUInt16LE(at + 28);
    const skip = buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    if (method !== 0) throw new Error(`Zip entry ${name} is compressed (method ${method}); expected stored.`);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = zip.subarray(dataAt, dataAt + size);
    if (crc32(data) !== crc) throw new Error(`Zip entry ${name} fails its CRC check.`);
    entries.push({ name, data });
    at += 46 + nameLen + skip;
  }
  return entries;
}
