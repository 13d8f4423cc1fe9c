// The officer's approval QR as the booth checks it: a certificate from its
// own upstream, the officer's signature with the certified key, time,
// replay and the enrollment on the screen, each failure by name.
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import {
  APPROVAL_PREFIX,
  buildApproval,
  encodeOfficerCertificate,
  verifyApproval,
  type ApprovalClaims,
} from '../../../src/shared/signoff/approval';
import { qrSymbol } from '../../../src/core/signoff/qr';

const upstreamSecret = ed25519.utils.randomSecretKey();
const upstreamKey = ed25519.getPublicKey(upstreamSecret);
const phoneSecret = ed25519.utils.randomSecretKey();
const NOW = Date.UTC(2026, 11, 1, 9, 0, 0);
const nowSec = NOW / 1000;

const certificate = (options: { secret?: Uint8Array; issuedAt?: number; expiresAt?: number; key?: Uint8Array } = {}) =>
  encodeOfficerCertificate(
    {
      officerId: 'siti',
      issuedAt: options.issuedAt ?? nowSec - 3600,
      expiresAt: options.expiresAt ?? nowSec + 4 * 3600,
      officerKey: options.key ?? ed25519.getPublicKey(phoneSecret),
    },
    (tbs) => ed25519.sign(tbs, options.secret ?? upstreamSecret),
  );
const claims = (patch: Partial<ApprovalClaims> = {}): ApprovalClaims => ({
  enrollmentId: '019ad5c2-7f10-7a3b-8c4d-5e6f70819203',
  tokenNonce: 'a1b2c3d4e5f6',
  issuedAt: nowSec - 30,
  expiresAt: nowSec + 570,
  decision: { decision: 'approve' },
  ...patch,
});
const approval = (patch: Partial<ApprovalClaims> = {}, cert = certificate(), secret = phoneSecret) =>
  buildApproval(claims(patch), cert, (tbs) => ed25519.sign(tbs, secret));
const check = (text: string, options: { now?: number; used?: (nonce: string) => boolean; nonces?: string[] } = {}) =>
  verifyApproval(text, {
    upstreamKey,
    now: options.now ?? NOW,
    expect: { enrollmentId: '019ad5c2-7f10-7a3b-8c4d-5e6f70819203', tokenNonces: options.nonces ?? ['a1b2c3d4e5f6'] },
    used: options.used,
  });

describe('approval QR', () => {
  it('passes with a certified key, gives the decision and the officer, and fits a QR the booth camera reads', () => {
    const text = approval();
    expect(text.startsWith(APPROVAL_PREFIX)).toBe(true);
    expect(check(text)).toMatchObject({ ok: true, officerId: 'siti', claims: { decision: { decision: 'approve' } } });
    expect(qrSymbol(text, { errorCorrection: 'M', maxVersion: 15 }).version).toBeLessThanOrEqual(13);
    const rejected = approval({ decision: { decision: 'reject', reason: 'face-mismatch' } });
    expect(check(rejected)).toMatchObject({ ok: true, claims: { decision: { decision: 'reject', reason: 'face-mismatch' } } });
  });

  it('says NOT_CERTIFIED for a certificate the upstream did not sign, or an approval made outside the login', () => {
    const forged = certificate({ secret: ed25519.utils.randomSecretKey() });
    expect(check(approval({}, forged))).toMatchObject({ ok: false, reason: 'NOT_CERTIFIED' });
    expect(check(approval({}, certificate({ issuedAt: nowSec - 10, expiresAt: nowSec + 3600 }), phoneSecret), { now: NOW })).toMatchObject({
      ok: true,
    });
    expect(
      check(approval({ issuedAt: nowSec - 200, expiresAt: nowSec + 300 }, certificate({ issuedAt: nowSec, expiresAt: nowSec + 3600 }))),
    ).toMatchObject({
      reason: 'NOT_CERTIFIED',
    });
  });

  it('says BAD_SIGNATURE when the approval is signed by another key than the certified one', () => {
    expect(check(approval({}, certificate(), ed25519.utils.randomSecretKey()))).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('says CERTIFICATE_EXPIRED, EXPIRED and NOT_YET_VALID with a minute of skew', () => {
    expect(check(approval({}, certificate({ issuedAt: nowSec - 9 * 3600, expiresAt: nowSec - 3600 })))).toMatchObject({
      reason: 'CERTIFICATE_EXPIRED',
    });
    expect(check(approval(), { now: NOW + 571_000 + 59_000 }).ok).toBe(true);
    expect(check(approval(), { now: NOW + 571_000 + 61_000 })).toMatchObject({ reason: 'EXPIRED' });
    expect(check(approval({ issuedAt: nowSec + 120, expiresAt: nowSec + 600 }))).toMatchObject({ reason: 'NOT_YET_VALID' });
  });

  it('says OTHER_ENROLLMENT for another enrollment or a code this screen never showed, and REPLAYED for a used one', () => {
    expect(check(approval({ enrollmentId: '019ad5c2-7f10-7a3b-8c4d-000000000001' }))).toMatchObject({ reason: 'OTHER_ENROLLMENT' });
    expect(check(approval(), { nonces: ['000000000000'] })).toMatchObject({ reason: 'OTHER_ENROLLMENT' });
    expect(check(approval(), { used: (nonce) => nonce === 'a1b2c3d4e5f6' })).toMatchObject({ reason: 'REPLAYED' });
  });

  it('says WRONG_PREFIX for a sign-off token or any other text, BAD_ENCODING or MALFORMED for a damaged one', () => {
    expect(check('IKD1:ABC')).toMatchObject({ reason: 'WRONG_PREFIX' });
    expect(check('hello')).toMatchObject({ reason: 'WRONG_PREFIX' });
    const text = approval();
    expect(check(text.slice(0, -2))).toMatchObject({ ok: false });
    expect(['BAD_ENCODING', 'MALFORMED']).toContain((check(text.slice(0, -3)) as { reason: string }).reason);
    expect(check(`${APPROVAL_PREFIX}00`)).toMatchObject({ reason: 'MALFORMED' });
  });
});
