// The biodata file (6FF1): ASCII, 21 double-quoted fields joined by ",":
//   "3174054208900001","JL. MERDEKA NO. 1","001/002","GAMBIR",...
// Index 0 is the NIK, 13 the name, 14 the date of birth, 19 the citizenship
// (public description); the other positions follow the printed card's
// order and are kept in this one table so a vendor's order can replace it.
import { CardError } from '../errors';

export const biodataFields = [
  'nik', // 0
  'address', // 1  alamat
  'rtRw', // 2  RT/RW
  'village', // 3  kelurahan/desa
  'district', // 4  kecamatan
  'religion', // 5  agama
  'maritalStatus', // 6  status perkawinan
  'occupation', // 7  pekerjaan
  'sex', // 8  jenis kelamin
  'bloodType', // 9  golongan darah
  'city', // 10 kabupaten/kota
  'province', // 11 provinsi
  'placeOfBirth', // 12 tempat lahir
  'name', // 13 nama
  'dateOfBirth', // 14 tanggal lahir, DD-MM-YYYY
  'validUntil', // 15 berlaku hingga: SEUMUR HIDUP or DD-MM-YYYY
  'issueDate', // 16 tanggal terbit, DD-MM-YYYY
  'issuingCity', // 17 tempat terbit
  'extra18', // 18 not described publicly: kept as read
  'citizenship', // 19 kewarganegaraan: WNI or WNA
  'extra20', // 20 not described publicly: kept as read
] as const;

export type BiodataField = (typeof biodataFields)[number];

export interface Biodata {
  nik: string;
  name: string;
  placeOfBirth: string;
  /** ISO date. */
  dateOfBirth: string;
  sex: 'male' | 'female';
  bloodType: 'A' | 'B' | 'AB' | 'O' | 'unknown';
  address: string;
  rtRw: string;
  village: string;
  district: string;
  city: string;
  province: string;
  religion: string;
  maritalStatus: string;
  occupation: string;
  citizenship: 'WNI' | 'WNA';
  /** ISO date, or 'lifetime' for SEUMUR HIDUP. */
  validUntil: string;
  issueDate: string;
  issuingCity: string;
  extra18: string;
  extra20: string;
}

export const BIODATA_MAX_BYTES = 2048;
const FIELD_MAX = 160;

/** Parses the biodata record; any deviation is a MALFORMED CardError naming the field, never its value. */
export function parseBiodataRecord(bytes: Uint8Array): Biodata {
  if (bytes.length === 0) throw new CardError('MALFORMED', 'The biodata file is empty.');
  if (bytes.length > BIODATA_MAX_BYTES)
    throw new CardError('TOO_LARGE', `The biodata file is ${bytes.length} bytes; at most ${BIODATA_MAX_BYTES}.`);
  for (const byte of bytes) {
    if (byte < 0x20 || byte > 0x7e) throw new CardError('MALFORMED', 'The biodata record holds a byte outside printable ASCII.');
  }
  const text = String.fromCharCode(...bytes);
  if (!text.startsWith('"') || !text.endsWith('"') || text.length < 2)
    throw new CardError('MALFORMED', 'The biodata record is not wrapped in double quotes.');
  const values = text.slice(1, -1).split('","');
  if (values.length !== biodataFields.length)
    throw new CardError('MALFORMED', `The biodata record has ${values.length} fields; an e-KTP has ${biodataFields.length}.`);
  const raw = Object.fromEntries(
    biodataFields.map((field, index) => {
      const value = values[index]!;
      if (value.includes('"')) throw new CardError('MALFORMED', `Biodata field ${field} holds a stray quote.`);
      if (value.length > FIELD_MAX) throw new CardError('MALFORMED', `Biodata field ${field} is longer than ${FIELD_MAX} characters.`);
      return [field, value.trim()];
    }),
  ) as Record<BiodataField, string>;

  if (!/^\d{16}$/.test(raw.nik)) throw new CardError('MALFORMED', 'Biodata field nik is not 16 digits.');
  if (raw.name.length === 0) throw new CardError('MALFORMED', 'Biodata field name is empty.');
  return {
    ...raw,
    dateOfBirth: parseCardDate(raw.dateOfBirth, 'dateOfBirth'),
    issueDate: raw.issueDate === '' ? '' : parseCardDate(raw.issueDate, 'issueDate'),
    validUntil: /^SEUMUR HIDUP$/i.test(raw.validUntil) ? 'lifetime' : parseCardDate(raw.validUntil, 'validUntil'),
    sex: parseSex(raw.sex),
    bloodType: parseBloodType(raw.bloodType),
    citizenship: parseCitizenship(raw.citizenship),
  };
}

/** DD-MM-YYYY → YYYY-MM-DD, refusing dates that do not exist. */
function parseCardDate(value: string, field: BiodataField): string {
  const match = /^(\d{2})-(\d{2})-(\d{4})$/.exec(value);
  if (!match) throw new CardError('MALFORMED', `Biodata field ${field} is not a DD-MM-YYYY date.`);
  const [, dd, mm, yyyy] = match;
  const date = new Date(Date.UTC(Number(yyyy), Number(mm) - 1, Number(dd)));
  if (date.getUTCDate() !== Number(dd) || date.getUTCMonth() !== Number(mm) - 1)
    throw new CardError('MALFORMED', `Biodata field ${field} is not a real date.`);
  return `${yyyy}-${mm}-${dd}`;
}

function parseSex(value: string): Biodata['sex'] {
  if (/^LAKI-LAKI$/i.test(value)) return 'male';
  if (/^PEREMPUAN$/i.test(value)) return 'female';
  throw new CardError('MALFORMED', 'Biodata field sex is neither LAKI-LAKI nor PEREMPUAN.');
}

function parseBloodType(value: string): Biodata['bloodType'] {
  const upper = value.toUpperCase();
  if (upper === 'A' || upper === 'B' || upper === 'AB' || upper === 'O') return upper;
  if (upper === '-' || upper === '') return 'unknown';
  throw new CardError('MALFORMED', 'Biodata field bloodType is not A, B, AB, O or -.');
}

function parseCitizenship(value: string): Biodata['citizenship'] {
  const upper = value.toUpperCase();
  if (upper === 'WNI' || upper === 'WNA') return upper;
  throw new CardError('MALFORMED', 'Biodata field citizenship is neither WNI nor WNA.');
}

/** The record an e-KTP would hold for these values (emulators, fixtures). */
export function formatBiodataRecord(values: Record<BiodataField, string>): Uint8Array {
  const text = `"${biodataFields.map((field) => values[field]).join('","')}"`;
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}
