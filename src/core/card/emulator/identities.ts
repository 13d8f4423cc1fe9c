// Synthetic citizens for the emulators and tests: invented names, NIKs that
// pass the structural check, and the chip files an e-KTP would hold for them.
import { createHash } from 'node:crypto';
import { formatBiodataRecord, type BiodataField } from '../ektp/biodata';
import { EKTP_FILES } from '../ektp/commands';
import { testPhotos } from './testPhotos.generated';

export type TestIdentity = Record<BiodataField, string>;

const common = {
  religion: 'ISLAM',
  maritalStatus: 'BELUM KAWIN',
  citizenship: 'WNI',
  validUntil: 'SEUMUR HIDUP',
  extra18: '',
  extra20: '',
};

export const testIdentities: readonly TestIdentity[] = [
  {
    ...common,
    nik: '3174054208900001',
    name: 'SITI RAHMAWATI',
    placeOfBirth: 'JAKARTA',
    dateOfBirth: '02-08-1990',
    sex: 'PEREMPUAN',
    bloodType: 'O',
    address: 'JL. MELATI NO. 12',
    rtRw: '004/007',
    village: 'KEBON KACANG',
    district: 'TANAH ABANG',
    city: 'JAKARTA PUSAT',
    province: 'DKI JAKARTA',
    occupation: 'KARYAWAN SWASTA',
    issueDate: '14-03-2019',
    issuingCity: 'JAKARTA PUSAT',
  },
  {
    ...common,
    nik: '3273015503850002',
    name: 'DEWI ANGGRAINI',
    placeOfBirth: 'BANDUNG',
    dateOfBirth: '15-03-1985',
    sex: 'PEREMPUAN',
    bloodType: 'A',
    address: 'JL. DAGO ATAS NO. 5',
    rtRw: '002/011',
    village: 'DAGO',
    district: 'COBLONG',
    city: 'KOTA BANDUNG',
    province: 'JAWA BARAT',
    maritalStatus: 'KAWIN',
    occupation: 'WIRASWASTA',
    issueDate: '01-06-2017',
    issuingCity: 'KOTA BANDUNG',
  },
  {
    ...common,
    nik: '5171066107720003',
    name: 'NI KADEK AYU LESTARI',
    placeOfBirth: 'DENPASAR',
    dateOfBirth: '21-07-1972',
    sex: 'PEREMPUAN',
    bloodType: '-',
    religion: 'HINDU',
    address: 'JL. GATOT SUBROTO GG. II NO. 8',
    rtRw: '000/000',
    village: 'DANGIN PURI',
    district: 'DENPASAR TIMUR',
    city: 'KOTA DENPASAR',
    province: 'BALI',
    maritalStatus: 'KAWIN',
    occupation: 'PEDAGANG',
    issueDate: '20-11-2012',
    issuingCity: 'KOTA DENPASAR',
  },
  // The person of the face-capture test videos (scripts/make-face-videos.ts): the e2e face match uses this card.
  {
    ...common,
    nik: '3578014911880004',
    name: 'RINA WULANDARI',
    placeOfBirth: 'SURABAYA',
    dateOfBirth: '09-11-1988',
    sex: 'PEREMPUAN',
    bloodType: 'B',
    address: 'JL. KEBRAON INDAH NO. 21',
    rtRw: '003/005',
    village: 'KEBRAON',
    district: 'KARANG PILANG',
    city: 'KOTA SURABAYA',
    province: 'JAWA TIMUR',
    occupation: 'GURU',
    issueDate: '22-05-2018',
    issuingCity: 'KOTA SURABAYA',
  },
];

/**
 * The chip photo of test identity `index`: a face cropped from an npm
 * package's sample picture by scripts/make-card-photos.ts (JPEG 240 × 320,
 * or a JPEG 2000 codestream 120 × 160).
 */
export function identityPhoto(index: number, format: 'jpeg' | 'jpeg2000' = 'jpeg'): Uint8Array {
  const photo = testPhotos[index] ?? testPhotos[0]!;
  return new Uint8Array(Buffer.from(format === 'jpeg' ? photo.jpeg : photo.jpeg2000, 'base64'));
}

/**
 * A JPEG-shaped placeholder of about `size` bytes (SOI, a comment segment
 * of deterministic filler, EOI). It has the photo's size and framing, not a
 * face: decoding and matching use real images from packages.
 */
export function placeholderJpeg(size: number, seed: string): Uint8Array {
  const body = new Uint8Array(Math.max(0, size - 8));
  let block = createHash('sha256').update(seed).digest();
  for (let at = 0; at < body.length; at += block.length) {
    body.set(block.subarray(0, Math.min(block.length, body.length - at)), at);
    block = createHash('sha256').update(block).digest();
  }
  // FF bytes inside a COM segment are harmless, but keep markers out of the filler.
  for (let i = 0; i < body.length; i++) if (body[i] === 0xff) body[i] = 0xfe;
  const out = new Uint8Array(body.length + 8);
  out.set([0xff, 0xd8, 0xff, 0xfe, ((body.length + 2) >> 8) & 0xff, (body.length + 2) & 0xff]);
  out.set(body, 6);
  out.set([0xff, 0xd9], body.length + 6);
  return out;
}

/** Prefixes file content with its 2-byte big-endian length, as the chip stores it. */
export function withLengthPrefix(content: Uint8Array): Uint8Array {
  if (content.length > 0xffff) throw new RangeError('content too long for a 2-byte length');
  const out = new Uint8Array(content.length + 2);
  out[0] = content.length >> 8;
  out[1] = content.length & 0xff;
  out.set(content, 2);
  return out;
}

export interface ChipContent {
  photo: Uint8Array;
  signature?: Uint8Array;
}

/** The files of an e-KTP chip for a test identity. */
export function chipFiles(identity: TestIdentity, content: ChipContent): Map<number, Uint8Array> {
  const files = new Map<number, Uint8Array>([
    [EKTP_FILES.control, withLengthPrefix(new Uint8Array(51))],
    [EKTP_FILES.biodata, withLengthPrefix(formatBiodataRecord(identity))],
    [EKTP_FILES.photo, withLengthPrefix(content.photo)],
  ]);
  if (content.signature) files.set(EKTP_FILES.signature, withLengthPrefix(content.signature));
  return files;
}
