// NIK, email and phone never appear in a log line: neither as fields, nor
// inside messages, nor inside error texts.
import { describe, expect, it } from 'vitest';
import { scrubText } from '../../src/core/logging';
import { inProcessBooth } from '../support/inProcess';

const NIK = '3174054208900001';
const EMAIL = 'siti.rahma@contoh.co.id';
const PHONE_TYPED = '0812-3456-7890';

describe('log redaction', () => {
  it('scrubs PII-shaped text', () => {
    expect(scrubText(`nik ${NIK} mail ${EMAIL} hp ${PHONE_TYPED} +62 812 3456 7890`)).toBe('nik [nik] mail [email] hp [phone] [phone]');
    expect(scrubText('3174 0542 0890 0001')).toBe('[nik]');
    expect(scrubText('session started in 1234 ms')).toBe('session started in 1234 ms');
    for (const phone of ['0812.3456.7890', '(0812) 3456 7890', '81234567890', '62-812-3456-7890']) {
      expect(scrubText(`hp ${phone} ok`), phone).toBe('hp [phone] ok');
    }
  });

  it('a whole journey, with mistakes, logs events but no PII', async () => {
    const { client, logger, logs } = inProcessBooth();
    await client.session.start({ language: 'id' });
    await client.session.chooseLanguage({ language: 'id' });
    const info = await client.booth.info();
    await client.session.acceptConsent({ consentVersion: info.ok ? info.value.consentVersion : '' });
    await client.session.submitNik({ nik: '9974054208900001' });
    await client.session.submitNik({ nik: NIK });
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
    expect(text).toContain('"reason":"province"');
    expect(text).toContain('"event":"session.wiped"');
    expect(text).toContain('payload {');
    for (const secret of [NIK, '9974054208900001', EMAIL, 'siti.rahma', '81234567890', '3456-7890', '0812']) {
      expect(text, `log leaks ${secret}`).not.toContain(secret);
    }
  });
});
