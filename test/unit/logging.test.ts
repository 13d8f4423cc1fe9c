// NIK, email and phone never appear in a log line: neither as fields, nor
// inside messages, nor inside error texts. Nor do names, biodata fields or
// bytes, in whatever shape they are handed to the logger.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubText, scrubValue } from '../../src/core/logging';
import { inProcessBooth } from '../support/inProcess';

const NIK = '3174054208900001';
const EMAIL = 'siti.rahma@contoh.co.id';
const PHONE_TYPED = '0812-3456-7890';
const NAME = 'SITI RAHMA WULANDARI';
const PLACE = 'KEBUMEN';

/** A real logger writing JSON lines into an array. */
function capturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), text: () => lines.join('') };
}

describe('log redaction', () => {
  it('scrubs PII-shaped text', () => {
    expect(scrubText(`nik ${NIK} mail ${EMAIL} hp ${PHONE_TYPED} +62 812 3456 7890`)).toBe('nik [nik] mail [email] hp [phone] [phone]');
    expect(scrubText('3174 0542 0890 0001')).toBe('[nik]');
    expect(scrubText('session started in 1234 ms')).toBe('session started in 1234 ms');
    for (const phone of ['0812.3456.7890', '(0812) 3456 7890', '81234567890', '62-812-3456-7890']) {
      expect(scrubText(`hp ${phone} ok`), phone).toBe('hp [phone] ok');
    }
  });

  it('scrubs a NIK grouped with dots, slashes, dashes, spaces or underscores', () => {
    for (const nik of [
      '3174.0542.0890.0001',
      '3174/0542/0890/0001',
      '3174-0542-0890-0001',
      '3174 0542 0890 0001',
      '3174_0542_0890_0001',
      '31.74.05.420890.0001',
      '3174 / 0542 / 0890 / 0001',
    ]) {
      expect(scrubText(`card ${nik} read`), nik).toBe('card [nik] read');
    }
    // A NIK typed as a number fits a double exactly.
    expect(scrubValue({ value: 3174054208900001 })).toEqual({ value: '[nik]' });
  });

  it("keeps a vault record's id whole, even when its hex holds 16 digits, but not a NIK inside other text", () => {
    const id = '01a231b3-a0b5-7d56-9182-027748083656';
    expect(scrubValue({ id })).toEqual({ id });
    expect(scrubText(`record ${id}`)).not.toContain('027748083656');
    // Shaped like a UUID only when it is one: a NIK with dashes is no UUID.
    expect(scrubValue({ id: '3174-0542-0890-0001' })).toEqual({ id: '[nik]' });
  });

  it('keeps ordinary log text readable', () => {
    for (const text of [
      'card.read took 1234 ms',
      'listening on http://127.0.0.1:43123/',
      'at 2026-11-30T14:06:14.123Z',
      'version 0.1.0',
      'Biodata field name holds a stray quote.',
      'sha256 aa0c2c7ecefc… 2759588 bytes',
    ]) {
      expect(scrubText(text)).toBe(text);
    }
    expect(
      scrubValue({ event: 'card.read', code: 'TIMEOUT', ms: 20000, reason: 'province', steps: ['blink', 'turnLeft'], counts: [1, 2] }),
    ).toEqual({
      event: 'card.read',
      code: 'TIMEOUT',
      ms: 20000,
      reason: 'province',
      steps: ['blink', 'turnLeft'],
      counts: [1, 2],
    });
  });

  it('drops biodata and name fields at any depth, in any spelling', () => {
    const biodata = {
      nik: NIK,
      name: NAME,
      placeOfBirth: PLACE,
      dateOfBirth: '1990-08-02',
      address: 'JL. MERDEKA NO. 1',
      religion: 'ISLAM',
      maritalStatus: 'KAWIN',
      occupation: 'GURU',
      village: 'GAMBIR',
      city: 'JAKARTA PUSAT',
      bloodType: 'O',
    };
    const scrubbed = JSON.stringify(
      scrubValue({
        event: 'x',
        a: {
          b: {
            c: {
              d: {
                e: {
                  f: {
                    g: { biodata, holder: { fullName: NAME, place_of_birth: PLACE, ChipUID: '04A1B2C3D4E5F6', Birth_Date: '02-08-1990' } },
                  },
                },
              },
            },
          },
        },
      }),
    );
    for (const secret of [NIK, NAME, PLACE, '1990', 'MERDEKA', 'ISLAM', 'KAWIN', 'GURU', 'GAMBIR', 'JAKARTA', '04A1B2C3'])
      expect(scrubbed, `leaks ${secret}`).not.toContain(secret);
    expect(scrubbed).toContain('"event":"x"');
  });

  it('drops PII keys written into text: key=value, JSON, escaped JSON', () => {
    const texts = [
      `citizen name=${NAME}, step=review`,
      `{"placeOfBirth":"${PLACE}","event":"x"}`,
      `{\\"name\\":\\"${NAME}\\",\\"code\\":\\"X\\"}`,
      `chip_uid: 04A1B2C3D4E5F6; reader ok`,
      `upstream said 'nama': '${NAME}'`,
    ];
    for (const text of texts) {
      const out = scrubText(text);
      for (const secret of [NAME, PLACE, '04A1B2C3']) expect(out, text).not.toContain(secret);
    }
    expect(scrubText(`citizen name=${NAME}, step=review`)).toBe('citizen name=[redacted], step=review');
  });

  it('reduces bytes to their length in every shape they get logged in', () => {
    const photo = Buffer.from(`"${NIK}","${NAME}"`, 'latin1');
    const uid = new Uint8Array([0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6]);
    const shapes = {
      buffer: photo,
      uint8: new Uint8Array(photo),
      arrayBuffer: new Uint8Array(photo).buffer,
      json: photo.toJSON(),
      byteMap: { ...new Uint8Array(photo) },
      shortByteMap: { ...uid },
      array: [...photo],
      nested: [{ deep: { deeper: photo } }],
    };
    const out = scrubValue(shapes) as Record<string, unknown>;
    expect(out['buffer']).toBe(`[${photo.length} bytes]`);
    expect(out['uint8']).toBe(`[${photo.length} bytes]`);
    expect(out['arrayBuffer']).toBe(`[${photo.length} bytes]`);
    expect(out['json']).toBe(`[${photo.length} bytes]`);
    expect(out['byteMap']).toBe(`[${photo.length} bytes]`);
    expect(out['shortByteMap']).toBe('[7 bytes]');
    expect(out['array']).toBe(`[${photo.length} bytes]`);
    expect(JSON.stringify(out)).not.toMatch(/"\d+":\d+|\b161\b|\b(?:4,161|0x04)\b/);
  });

  it('survives cycles, Maps, Errors with fields and causes', () => {
    const cyclic: Record<string, unknown> = { event: 'loop' };
    cyclic['self'] = cyclic;
    expect(scrubValue(cyclic)).toEqual({ event: 'loop', self: '[circular]' });
    const error = Object.assign(new Error(`refused ${NIK}`, { cause: new Error(`for ${EMAIL}`) }), { code: 'UPSTREAM', nik: NIK });
    const text = JSON.stringify(scrubValue({ err: error, map: new Map([[NIK, { name: NAME }]]) }));
    for (const secret of [NIK, EMAIL, NAME]) expect(text).not.toContain(secret);
    expect(text).toContain('"code":"UPSTREAM"');
  });

  it('a real logger scrubs printf arguments, child bindings and a first Buffer', () => {
    const { logger, text } = capturingLogger();
    logger.info('card %s %s %d read in %d ms', '3174.0542.0890.0001', `name=${NAME}`, 3174054208900001, 812);
    logger.info('bytes %j %o', new Uint8Array(Buffer.from(NIK)), { ...new Uint8Array(Buffer.from(NIK)) });
    logger.child({ citizen: { placeOfBirth: PLACE, nik: NIK } }).info({ event: 'child' }, 'child line');
    logger.info(Buffer.from(NIK) as unknown as object, 'buffer first');
    logger.error(new Error(`card of ${NIK} refused`));
    logger.flush();
    const out = text();
    for (const secret of [NIK, '3174.0542', NAME, PLACE, '51,49,55,52']) expect(out, `log leaks ${secret}`).not.toContain(secret);
    expect(out).toContain('read in 812 ms');
    expect(out).toContain('"event":"child"');
  });

  it('a whole journey, with mistakes, logs events but no PII', async () => {
    const { client, logger, logs, booth } = await inProcessBooth();
    await client.session.start({ language: 'id' });
    await client.session.chooseLanguage({ language: 'id' });
    const info = await client.booth.info();
    await client.session.acceptConsent({ consentVersion: info.ok ? info.value.consentVersion : '' });
    // As the card step does with a read (this booth has no reader); the citizen confirms it.
    booth.session.advance({ type: 'cardRead', chip: { name: NAME, nik: NIK } });
    await client.card.confirm();
    await client.session.submitEmail({ email: 'siti.rahma@@contoh.co.id' });
    await client.session.submitEmail({ email: EMAIL });
    await client.session.submitPhone({ phone: PHONE_TYPED });
    // A careless log call elsewhere in the core must still not leak.
    logger.info({ nik: NIK, params: { email: EMAIL }, note: `typed ${PHONE_TYPED}` }, `citizen ${NIK} ${EMAIL}`);
    logger.error({ err: new Error(`upstream refused ${EMAIL} for ${NIK}`) }, 'failure');
    logger.warn('payload %j and %o', { nik: NIK, contact: EMAIL }, { phone: PHONE_TYPED, other: `${NIK}` });
    await client.session.wipe({ reason: 'cancel' });
    logger.flush();

    const text = logs.join('');
    expect(text).toContain('"event":"session.started"');
    expect(text).toContain('"field":"email","code":"INVALID_EMAIL","reason":"many_at"');
    expect(text).toContain('"event":"session.wiped"');
    expect(text).toContain('payload {');
    for (const secret of [NIK, NAME, EMAIL, 'siti.rahma', '81234567890', '3456-7890', '0812']) {
      expect(text, `log leaks ${secret}`).not.toContain(secret);
    }
  });
});
