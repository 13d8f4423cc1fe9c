// Activation on the reference upstream, with a real SMTP server on
// 127.0.0.1 (smtp-server) and the mail parsed as a mail client would
// (mailparser): the code goes out once both the enrollment and the
// officer's approval are there, in whichever order they came; it redeems
// once; wrong codes are throttled; an expired code says so; a mail server
// that is down is recorded, and an officer can resend within limits.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBoothRequest } from '../../../src/core/sync';
import { boothKid, issueSignoffToken } from '../../../src/core/signoff';
import { cbor, sealRecord, uuidv7, x25519PublicKey } from '../../../src/core/vault';
import { BoothRegistry } from '../../../src/upstream/registry';
import { startUpstreamWithOfficer, type OfficerClient } from '../../support/officerClient';
import { startTestSmtp, type TestSmtp } from '../../support/smtp';
import { testUpstreamKeys, type TestUpstream } from '../../support/upstream';
import { sampleEnrollment } from '../../support/vault';

const keys = generateKeyPairSync('ed25519');
const kid = boothKid(keys.publicKey);
const nikDigest = (nik: string) => createHash('sha256').update(`anjungan-ikd/activation-nik/v1:${nik}`).digest('base64url');

describe('activation codes', () => {
  let smtp: TestSmtp;
  let upstream: TestUpstream;
  let siti: OfficerClient;
  let close: () => Promise<void>;
  beforeAll(async () => {
    smtp = await startTestSmtp();
    const started = await startUpstreamWithOfficer('siti', {
      registration: 'closed',
      mail: { url: smtp.url, from: 'IKD Dukcapil <no-reply@ikd.test>' },
    });
    ({ upstream, officer: siti, close } = started);
    await new BoothRegistry(upstream.db).register('ACT-01', keys.publicKey.export({ format: 'jwk' }).x!, 'operator');
  }, 60_000);
  afterAll(async () => {
    await close?.();
    await smtp?.stop();
  });

  /** A booth's sealed enrollment for citizen `seed`, sent as the booth syncs it. */
  async function sendEnrollment(seed: number, id = uuidv7()) {
    const { content, citizen } = sampleEnrollment(seed, id);
    const record = sealRecord(
      { id, kind: 'enrollment', about: null, boothId: 'ACT-01', createdAt: new Date().toISOString() },
      { ...content, boothId: 'ACT-01' },
      {
        recipient: x25519PublicKey(Buffer.from(testUpstreamKeys.sealingPublicKey, 'base64url')),
        recipientKeyId: testUpstreamKeys.sealingKeyId,
        signing: keys.privateKey,
      },
    );
    const body = cbor.encode({ records: [record] });
    const signed = await signBoothRequest({
      method: 'POST',
      url: `${upstream.url}/v1/records`,
      body,
      contentType: 'application/cbor',
      boothId: 'ACT-01',
      signingKey: keys.privateKey,
      created: new Date(),
    });
    const response = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: body as unknown as ArrayBuffer });
    expect(response.status).toBe(200);
    return { id, citizen };
  }
  const approve = async (enrollmentId: string) => {
    const token = issueSignoffToken(
      {
        enrollmentId,
        nik: '3171234567890042',
        nikDigestKey: new Uint8Array(16),
        evidence: { chipAuthenticated: true, livenessPassed: true, matchDistance: 400, matchThreshold: 600, quality: 90 },
      },
      { signingKey: keys.privateKey, kid },
      { nowMs: Date.now(), ttlSec: 180 },
    );
    expect((await siti.call('POST', '/console/api/decisions', { token: token.text, decision: 'approve' })).status).toBe(201);
  };
  const redeem = (code: string, digest: string) =>
    fetch(`${upstream.url}/v1/activations/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, nikDigest: digest }),
    }).then(async (response) => ({
      status: response.status,
      body: (await response.json()) as { activated?: boolean; error?: { code: string } },
    }));
  const codeIn = (text: string) => /: (\d{6})\n/.exec(text)?.[1];

  it('mails the code once the enrollment and the approval are both there (enrollment first), in the citizen’s language first; it redeems once', async () => {
    const { id, citizen } = await sendEnrollment(1);
    expect(smtp.mails).toHaveLength(0);
    await approve(id);
    const mail = await smtp.mail(1);
    expect(mail.to).toMatchObject({ text: citizen.email });
    expect(mail.from?.text).toContain('no-reply@ikd.test');
    expect(mail.subject).toBe('Kode aktivasi IKD Anda / Your IKD activation code');
    const text = mail.text!;
    expect(text.indexOf('Kode aktivasi IKD Anda:')).toBeLessThan(text.indexOf('Your IKD activation code:'));
    expect(text).toContain(`Yth. ${citizen.name},`);
    const code = codeIn(text)!;
    expect(code).toMatch(/^\d{6}$/);
    expect(text).not.toContain(citizen.nik);
    const delivered = await upstream.db.query<{ ok: boolean }>('SELECT ok FROM email_deliveries WHERE enrollment_id = $1', [id]);
    expect(delivered).toEqual([{ ok: true }]);
    // The code is not stored: only its HMAC.
    const [stored] = await upstream.db.query<{ code_hash: Buffer }>('SELECT code_hash FROM activations WHERE enrollment_id = $1', [id]);
    expect(stored!.code_hash.includes(Buffer.from(code))).toBe(false);

    expect(await redeem(code, nikDigest('3171000000000000'))).toMatchObject({ status: 401, body: { error: { code: 'WRONG_CODE' } } });
    expect(await redeem(code, nikDigest(citizen.nik))).toMatchObject({ status: 200, body: { activated: true } });
    expect(await redeem(code, nikDigest(citizen.nik))).toMatchObject({ status: 409, body: { error: { code: 'ALREADY_ACTIVATED' } } });
  });

  it('mails the code when the approval came first and the enrollment after (a booth that was offline)', async () => {
    const id = uuidv7();
    await approve(id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = smtp.mails.length;
    const { citizen } = await sendEnrollment(2, id);
    const mail = await smtp.mail(before + 1);
    expect(mail.to).toMatchObject({ text: citizen.email });
    expect(await redeem(codeIn(mail.text!)!, nikDigest(citizen.nik))).toMatchObject({ status: 200 });
  });

  it('locks an activation after 5 wrong codes, says when a code expired, and resends within limits', async () => {
    const { id, citizen } = await sendEnrollment(3);
    const before = smtp.mails.length;
    await approve(id);
    const code = codeIn((await smtp.mail(before + 1)).text!)!;
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect((await redeem(wrong, nikDigest(citizen.nik))).status).toBe(401);
    const locked = await redeem(code, nikDigest(citizen.nik));
    expect(locked).toMatchObject({ status: 429, body: { error: { code: 'LOCKED' } } });
    // An officer sends a new code: too soon after the first.
    expect(await siti.call('POST', `/console/api/activations/${id}/resend`, {})).toMatchObject({
      status: 409,
      body: { error: { code: 'RESEND_REFUSED', reason: 'TOO_SOON' } },
    });
    await upstream.db.query("UPDATE activations SET last_sent_at = now() - interval '2 minutes' WHERE enrollment_id = $1", [id]);
    expect(await siti.call('POST', `/console/api/activations/${id}/resend`, {})).toMatchObject({
      status: 200,
      body: { sentTo: 'w***@contoh.go.id' },
    });
    const fresh = codeIn((await smtp.mail(before + 2)).text!)!;
    // The new code replaces the old one and lifts the lock; a code past its time says so.
    await upstream.db.query("UPDATE activations SET expires_at = now() - interval '1 minute' WHERE enrollment_id = $1", [id]);
    expect(await redeem(fresh, nikDigest(citizen.nik))).toMatchObject({ status: 410, body: { error: { code: 'CODE_EXPIRED' } } });
    await upstream.db.query("UPDATE activations SET expires_at = now() + interval '1 hour' WHERE enrollment_id = $1", [id]);
    expect(await redeem(code, nikDigest(citizen.nik))).toMatchObject({ status: 401 });
    expect(await redeem(fresh, nikDigest(citizen.nik))).toMatchObject({ status: 200 });
    expect(await siti.call('POST', `/console/api/activations/${id}/resend`, {})).toMatchObject({
      body: { error: { reason: 'ALREADY_ACTIVATED' } },
    });
  });

  it('records a sending that failed (the mail server down), and an officer’s resend reaches the citizen once it is back', async () => {
    await smtp.stop();
    const { id, citizen } = await sendEnrollment(4);
    await approve(id);
    await expect
      .poll(
        async () =>
          upstream.db.query<{ ok: boolean; error: string }>('SELECT ok, error FROM email_deliveries WHERE enrollment_id = $1', [id]),
        {
          timeout: 10_000,
        },
      )
      .toEqual([{ ok: false, error: expect.stringMatching(/ECONNREFUSED/) }]);
    smtp = await startTestSmtp(smtp.port);
    await upstream.db.query("UPDATE activations SET last_sent_at = now() - interval '2 minutes' WHERE enrollment_id = $1", [id]);
    expect((await siti.call('POST', `/console/api/activations/${id}/resend`, {})).status).toBe(200);
    const mail = await smtp.mail(1);
    expect(mail.to).toMatchObject({ text: citizen.email });
    expect(await redeem(codeIn(mail.text!)!, nikDigest(citizen.nik))).toMatchObject({ status: 200 });
  });
});
