// The sign-off token: it fits QR version 10-Q in the worst case, an
// independent QR decoder reads it back, and each bad token gets its own
// reason (expired, not yet valid, unknown booth, revoked key, replayed,
// truncated, wrong prefix, bit flips, compressed or not).
import { createPublicKey, sign } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { encode as base45Encode } from '@digitalbazaar/base45';
import { describe, expect, it } from 'vitest';
import {
  buildSignoffToken,
  MAX_TOKEN_BYTES,
  SIGNOFF_PREFIX,
  verifySignoffToken,
  type BoothKey,
  type SignoffClaims,
} from '../../../src/shared/signoff/token';
import { boothKid, issueSignoffToken, signoffNikDigest } from '../../../src/core/signoff/boothToken';
import { qrPng, qrSymbol } from '../../../src/core/signoff/qr';
import { ed25519FromSeed, rawEd25519PublicKey } from '../../../src/core/vault/keys';
import { readQrPng } from '../../support/qrRead';

const signingKey = ed25519FromSeed(Buffer.alloc(32, 9));
const publicKey = createPublicKey(signingKey);
const kid = boothKid(publicKey);
const kidHex = Buffer.from(kid).toString('hex');
const boothKey: BoothKey = { boothId: 'BOOTH-TEST-01', publicKey: rawEd25519PublicKey(publicKey), revoked: false };
const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);

const subject = {
  enrollmentId: '019ad5c2-7f10-7a3b-8c4d-5e6f70819203',
  nik: '3171234567899999',
  nikDigestKey: new Uint8Array(16).fill(5),
  evidence: { chipAuthenticated: true, livenessPassed: true, matchDistance: 812, matchThreshold: 1100, quality: 100 },
};
const issue = (nowMs = T0, ttlSec = 180) => issueSignoffToken(subject, { signingKey, kid }, { nowMs, ttlSec });
const keysFor = (keys: BoothKey[]) => (id: string) => (id === kidHex ? keys : []);
const verifyAt = (text: string, now: number, keys: BoothKey[] = [boothKey], seen?: (kid: string, nonce: string) => boolean) =>
  verifySignoffToken(text, { keysFor: keysFor(keys), now, seen });

describe('sign-off token', () => {
  it('at its largest still fits QR version 10-Q, and ZXing reads back exactly the text', async () => {
    const token = issue();
    expect(token.bytes.length).toBe(MAX_TOKEN_BYTES);
    expect(token.payloadBytes).toBe(64);
    expect(token.text).toMatch(/^IKD1:[0-9A-Z $%*+\-./:]{216}$/);
    expect(qrSymbol(token.text)).toMatchObject({ version: 10, size: 57 });
    const read = await readQrPng(await qrPng(token.text));
    expect(read).toEqual([{ text: token.text, version: '10', ecLevel: 'Q' }]);
  });

  it('verifies with the booth key and gives back every claim', async () => {
    const token = issue();
    const verdict = await verifyAt(token.text, T0 + 5_000);
    expect(verdict).toMatchObject({ ok: true, boothId: 'BOOTH-TEST-01', kid: kidHex });
    if (!verdict.ok) return;
    expect(verdict.claims).toEqual(token.claims);
    expect(verdict.claims.nikLast4).toBe('9999');
    expect(verdict.claims.nikDigest).toEqual(signoffNikDigest(subject.nikDigestKey, subject.nik));
    expect(verdict.claims.expiresAt - verdict.claims.issuedAt).toBe(180);
  });

  it('keeps leading zeros of the NIK’s last four digits', async () => {
    const token = issueSignoffToken({ ...subject, nik: '3171234567890042' }, { signingKey, kid }, { nowMs: T0, ttlSec: 180 });
    expect(token.bytes.length).toBeLessThan(MAX_TOKEN_BYTES);
    const verdict = await verifyAt(token.text, T0);
    expect(verdict.ok && verdict.claims.nikLast4).toBe('0042');
  });

  it('is the same bytes for the same claims (Ed25519 is deterministic), as docs/signoff-token.md shows', () => {
    const claims: SignoffClaims = {
      enrollmentId: subject.enrollmentId,
      issuedAt: 1796112000,
      expiresAt: 1796112180,
      nonce: Uint8Array.from([0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6]),
      nikLast4: '9999',
      nikDigest: signoffNikDigest(subject.nikDigestKey, subject.nik),
      evidence: subject.evidence,
    };
    const token = buildSignoffToken(claims, kid, (tbs) => new Uint8Array(sign(null, tbs, signingKey)));
    expect(Buffer.from(token.bytes).toString('hex')).toBe(GOLDEN_HEX);
  });

  it('says EXPIRED, NOT_YET_VALID and REPLAYED, with a minute of clock skew allowed', async () => {
    const token = issue();
    expect((await verifyAt(token.text, T0 + 180_000 + 59_000)).ok).toBe(true);
    expect(await verifyAt(token.text, T0 + 180_000 + 61_000)).toMatchObject({ ok: false, reason: 'EXPIRED' });
    expect((await verifyAt(token.text, T0 - 59_000)).ok).toBe(true);
    expect(await verifyAt(token.text, T0 - 61_000)).toMatchObject({ ok: false, reason: 'NOT_YET_VALID' });
    const used = new Set<string>();
    const seen = (k: string, nonce: string) => used.has(`${k}:${nonce}`);
    const first = await verifyAt(token.text, T0, [boothKey], seen);
    expect(first.ok).toBe(true);
    if (first.ok) used.add(`${first.kid}:${Buffer.from(first.claims.nonce).toString('hex')}`);
    expect(await verifyAt(token.text, T0, [boothKey], seen)).toMatchObject({ ok: false, reason: 'REPLAYED' });
    // A renewed token has a new nonce.
    expect((await verifyAt(issue().text, T0, [boothKey], seen)).ok).toBe(true);
  });

  it('says UNKNOWN_BOOTH, REVOKED_KEY, and tries every key that shares a kid', async () => {
    const token = issue();
    expect(await verifyAt(token.text, T0, [])).toMatchObject({ ok: false, reason: 'UNKNOWN_BOOTH' });
    expect(await verifyAt(token.text, T0, [{ ...boothKey, revoked: true }])).toMatchObject({ ok: false, reason: 'REVOKED_KEY' });
    const other = {
      boothId: 'BOOTH-OTHER',
      publicKey: rawEd25519PublicKey(createPublicKey(ed25519FromSeed(Buffer.alloc(32, 1)))),
      revoked: false,
    };
    expect(await verifyAt(token.text, T0, [other])).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(await verifyAt(token.text, T0, [other, boothKey])).toMatchObject({ ok: true, boothId: 'BOOTH-TEST-01' });
  });

  it('refuses a wrong prefix, a truncated code and bad Base45, each by name', async () => {
    const token = issue();
    expect(await verifyAt(token.text.replace('IKD1:', 'HC1:'), T0)).toMatchObject({ reason: 'WRONG_PREFIX' });
    expect(await verifyAt(token.text.toLowerCase(), T0)).toMatchObject({ reason: 'WRONG_PREFIX' });
    expect(await verifyAt('https://example.org/', T0)).toMatchObject({ reason: 'WRONG_PREFIX' });
    expect(await verifyAt(SIGNOFF_PREFIX, T0)).toMatchObject({ reason: 'BAD_ENCODING' });
    // 214 characters after the prefix: no Base45 length (3n or 3n + 2).
    expect(await verifyAt(token.text.slice(0, -2), T0)).toMatchObject({ reason: 'BAD_ENCODING' });
    // 215: a valid length whose last pair is one byte, or too large for one: damaged either way.
    expect(['BAD_ENCODING', 'MALFORMED']).toContain(((await verifyAt(token.text.slice(0, -1), T0)) as { reason: string }).reason);
    expect(await verifyAt(token.text.slice(0, -30), T0)).toMatchObject({ reason: 'MALFORMED' });
    expect(await verifyAt(`${token.text.slice(0, 20)}a${token.text.slice(21)}`, T0)).toMatchObject({ reason: 'BAD_ENCODING' });
  });

  it('refuses every single bit flip of the signed bytes', async () => {
    const token = issue();
    const reasons = new Set<string>();
    for (let at = 0; at < token.bytes.length; at++)
      for (const bit of [0x01, 0x80]) {
        const flipped = Uint8Array.from(token.bytes);
        flipped[at] = flipped[at]! ^ bit;
        const verdict = await verifyAt(SIGNOFF_PREFIX + base45Encode(flipped), T0);
        expect(verdict.ok, `byte ${at} bit ${bit}`).toBe(false);
        if (!verdict.ok) reasons.add(verdict.reason);
      }
    expect([...reasons].sort()).toEqual(expect.arrayContaining(['BAD_SIGNATURE', 'MALFORMED', 'UNKNOWN_BOOTH']));
  });

  it('reads a zlib-compressed token (first byte 0x78) and refuses one that does not inflate', async () => {
    const token = issue();
    const compressed = new Uint8Array(deflateSync(token.bytes, { level: 9 }));
    expect(compressed[0]).toBe(0x78);
    expect(compressed.length).toBeGreaterThan(token.bytes.length);
    expect((await verifyAt(SIGNOFF_PREFIX + base45Encode(compressed), T0)).ok).toBe(true);
    const broken = Uint8Array.from(compressed.subarray(0, 20));
    expect(await verifyAt(SIGNOFF_PREFIX + base45Encode(broken), T0)).toMatchObject({ reason: 'MALFORMED' });
  });

  it('refuses a lifetime beyond 15 minutes, even when signed', async () => {
    const token = issue(T0, 16 * 60);
    expect(await verifyAt(token.text, T0)).toMatchObject({ ok: false, reason: 'MALFORMED' });
  });
});

// The worked example of docs/signoff-token.md (seed 09…09, the claims above).
const GOLDEN_HEX =
  '8449a201270444dbc29825a05840a50250019ad5c27f107a3b8c4d5e6f70819203041a6b0e7f34061a6b0e7e800746a1b2c3d4e5f63a000100008619270f467bda3471b0d30319032c19044c186458401f7da96dd409eb902d9663f5f6b790912d04b6585482fc0f8c48fa62008a169b76ddbc262388a665ba07723f6ab54363c29f57a5a40fa476bbf10b715b65e70a';
