// Field names whose values never reach a log line, whatever their type and
// wherever they sit in the logged object. Matching ignores case and the
// separators people put in names ("placeOfBirth", "place_of_birth",
// "Place-Of-Birth" are one key), so a log call written in another style is
// caught too. The list covers the e-KTP biodata record
// (src/core/card/ektp/biodata.ts), the citizen's contact details, the card
// and face bytes, and secrets; Indonesian spellings are included because
// upstream payloads use them.

/** Lower-case, letters and digits only: the form keys are compared in. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const keys = [
  // Identity and contact.
  'nik',
  'nomorinduk',
  'nomorindukkependudukan',
  'kk',
  'nokk',
  'email',
  'mail',
  'phone',
  'phonenumber',
  'msisdn',
  'hp',
  'nohp',
  'telepon',
  // Names.
  'name',
  'nama',
  'namalengkap',
  'fullname',
  'firstname',
  'lastname',
  'givenname',
  'surname',
  'familyname',
  'citizenname',
  'holdername',
  'cardholder',
  'mothername',
  'mothersname',
  'ibukandung',
  // Every biodata field of the e-KTP record, and their Indonesian names.
  'address',
  'alamat',
  'rtrw',
  'village',
  'kelurahan',
  'desa',
  'district',
  'kecamatan',
  'city',
  'kabupaten',
  'kota',
  'province',
  'provinsi',
  'religion',
  'agama',
  'maritalstatus',
  'statusperkawinan',
  'occupation',
  'pekerjaan',
  'sex',
  'gender',
  'jeniskelamin',
  'bloodtype',
  'golongandarah',
  'placeofbirth',
  'birthplace',
  'tempatlahir',
  'dateofbirth',
  'birthdate',
  'dob',
  'tanggallahir',
  'validuntil',
  'berlakuhingga',
  'issuedate',
  'issuingcity',
  'citizenship',
  'kewarganegaraan',
  'extra18',
  'extra20',
  'biodata',
  // Card and face bytes and identifiers.
  'chipuid',
  'carduid',
  'uid',
  'photo',
  'foto',
  'portrait',
  'signature',
  'tandatangan',
  'readout',
  'picture',
  'pictures',
  'image',
  'jpeg',
  'frame',
  'frames',
  'capture',
  'landmarks',
  // Whole call parameters (they carry what the citizen typed) and secrets.
  'params',
  'token',
  'launchcode',
  'secret',
  'password',
  'pin',
  'otp',
  'authorization',
  'cookie',
];

const piiKeySet = new Set(keys);

/** True when a value under this key is dropped whole. */
export function isPiiKey(key: string): boolean {
  return piiKeySet.has(normalizeKey(key));
}

/**
 * The same names as a pattern for text: `name=…`, `"placeOfBirth": "…"`,
 * `chip_uid: …`, `{\\"nik\\":\\"…\\"}` inside a message or an error text.
 * Built from the list so the two never disagree; separators inside the
 * name are optional. Groups: 1 the key with its quotes and `:`/`=`, 2 the value.
 */
export const piiKeyInText = new RegExp(
  '(?<![A-Za-z0-9_])(\\\\?["\']?(?:' +
    [...piiKeySet]
      .sort((a, b) => b.length - a.length)
      .map((key) => key.split('').join('[_-]?'))
      .join('|') +
    ')\\\\?["\']?\\s*[:=]\\s*)' +
    // A JSON string, an escaped JSON string, a single-quoted string, or bare text up to a delimiter.
    '("(?:[^"\\\\]|\\\\.)*"|\\\\"(?:[^"\\\\]|\\\\[^"])*\\\\"|\'[^\']*\'|[^,;&}\\]\\n]*)',
  'gi',
);
