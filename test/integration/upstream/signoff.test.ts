// Officer sign-off on the reference upstream, over real HTTP on 127.0.0.1,
// on PGlite and a real PostgreSQL: officer login with lockout and address
// throttling, sessions and CSRF, the certificate an officer's phone key
// gets, decisions taken once per enrollment with the token checked again,
// the booth's long-poll for the decision (signed by the upstream), and the
// append-only audit log.
import { createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBoothRequest } from '../../../src/core/sync';
import { boothKid, issueSignoffToken } from '../../../src/core/signoff';
import { APPROVAL_PREFIX, verifyApproval } from '../../../src/shared/signoff/approval';
import { decisionToBeSigned, signoffAnswerSchema } from '../../../src/shared/upstream/signoff';
import { ADDRESS_MAX_FAILURES, Officers, LOCK_AFTER_FAILURES } from '../../../src/upstream/officers';
import { BoothRegistry } from '../../../src/upstream/registry';
import { officerLogin } from '../../support/officerClient';
import { startTestUpstream, testUpstreamDatabase, testUpstreamKeys, upstreamStorages, type TestUpstream } from '../../support/upstream';

const raw = (key: KeyObject) => key.export({ format: 'jwk' }).x ?? '';
const PASSWORD = 'correct horse battery';
const LOW_COST = { N: 2 ** 10, r: 8, p: 1 } as const;

function testBooth(boothId: string) {
  const keys = generateKeyPairSync('ed25519');
  const kid = boothKid(keys.publicKey);
  return {
    boothId,
    keys,
    token(enrollmentId: string, options: { nowMs?: number; ttlSec?: number } = {}) {
      return issueSignoffToken(
        {
          enrollmentId,
          nik: '3171234567890042',
          nikDigestKey: new Uint8Array(16).fill(1),
          evidence: { chipAuthenticated: true, livenessPassed: true, matchDistance: 400, matchThreshold: 600, quality: 90 },
        },
        { signingKey: keys.privateKey, kid },
        { nowMs: options.nowMs ?? Date.now(), ttlSec: options.ttlSec ?? 180 },
      );
    },
  };
}

let enrollmentCounter = 0;
const newEnrollmentId = () => `019ad5c2-7f10-7a3b-8c4d-${(0x5e6f70819200 + ++enrollmentCounter).toString(16).padStart(12, '0')}`;

describe.each(upstreamStorages)('officer sign-off on %s', (storage) => {
  let upstream: TestUpstream;
  /** How far the officers' clock runs ahead of the real one (the lockout test moves it). */
  let ahead = 0;
  let officers: Officers;
  const alice = testBooth('ALICE-01');
  const bob = testBooth('BOB-01');
  const revoked = testBooth('STOLEN-01');

  let database: Awaited<ReturnType<typeof testUpstreamDatabase>>;
  beforeAll(async () => {
    database = await testUpstreamDatabase(storage);
    officers = new Officers(database.db, testUpstreamKeys, { passwordCost: LOW_COST, now: () => Date.now() + ahead });
    upstream = await startTestUpstream(storage, { db: database.db, registration: 'closed', officers });
    const registry = new BoothRegistry(upstream.db);
    for (const booth of [alice, bob, revoked]) await registry.register(booth.boothId, raw(booth.keys.publicKey), 'operator');
    await registry.revoke(revoked.boothId, 'stolen');
    for (const id of ['siti', 'budi', 'locked', 'gone']) expect(await officers.add(id, `Officer ${id}`, PASSWORD)).toEqual({ ok: true });
  }, 60_000);
  afterAll(async () => {
    await upstream?.close();
    await database?.release();
  });

  const boothAsks = async (booth: ReturnType<typeof testBooth>, enrollmentId: string, wait = 0) => {
    const signed = await signBoothRequest({
      method: 'GET',
      url: `${upstream.url}/v1/signoff/${enrollmentId}?wait=${wait}`,
      body: new Uint8Array(),
      contentType: 'application/json',
      boothId: booth.boothId,
      signingKey: booth.keys.privateKey,
      created: new Date(),
    });
    const response = await fetch(signed.url, { headers: signed.headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('refuses a wrong password and an unknown officer in the same words, then locks the account with a growing wait', async () => {
    const unknown = await officerLogin(upstream.url, 'nobody', PASSWORD);
    const wrong = await officerLogin(upstream.url, 'locked', 'wrong password!!');
    expect(unknown).toMatchObject({
      status: 401,
      body: { error: { code: 'BAD_LOGIN', message: 'the officer id or the password is wrong' } },
    });
    expect(wrong.body).toEqual(unknown.body);
    for (let attempt = 2; attempt < LOCK_AFTER_FAILURES; attempt++)
      expect((await officerLogin(upstream.url, 'locked', 'wrong password!!')).status).toBe(401);
    // The 5th failure locks for 30 s: even the right password is refused meanwhile.
    expect((await officerLogin(upstream.url, 'locked', 'wrong password!!')).status).toBe(401);
    const during = await officerLogin(upstream.url, 'locked', PASSWORD);
    expect(during).toMatchObject({ status: 429, body: { error: { code: 'LOCKED', retryAfterS: 30 } } });
    ahead += 31_000;
    // One more failure after the lock: 60 s now.
    expect((await officerLogin(upstream.url, 'locked', 'wrong password!!')).status).toBe(401);
    expect((await officerLogin(upstream.url, 'locked', PASSWORD)).body).toMatchObject({ error: { code: 'LOCKED', retryAfterS: 60 } });
    ahead += 61_000;
    expect((await officerLogin(upstream.url, 'locked', PASSWORD)).status).toBe(200);
    ahead = 0;
  });

  it('gives a session: cookie HttpOnly and SameSite=Strict, CSRF needed for changes, another site refused, logout ends it', async () => {
    const response = await fetch(`${upstream.url}/console/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ officerId: 'budi', password: PASSWORD, officerKey: 'A'.repeat(43) }),
    });
    expect(response.headers.get('set-cookie')).toMatch(
      /^ikd_officer=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/console; Max-Age=28800$/,
    );
    const budi = await officerLogin(upstream.url, 'budi', PASSWORD);
    expect(budi.status).toBe(200);
    expect(await budi.call('GET', '/console/api/session')).toMatchObject({
      status: 200,
      body: { officer: { officerId: 'budi', displayName: 'Officer budi' } },
    });
    const token = alice.token(newEnrollmentId()).text;
    expect(await budi.call('POST', '/console/api/tokens/check', { token }, { csrf: null })).toMatchObject({
      status: 403,
      body: { error: { code: 'BAD_CSRF' } },
    });
    expect(await budi.call('POST', '/console/api/tokens/check', { token }, { csrf: 'guess' })).toMatchObject({ status: 403 });
    expect(await budi.call('POST', '/console/api/tokens/check', { token }, { origin: 'https://evil.example' })).toMatchObject({
      status: 403,
    });
    expect((await budi.call('POST', '/console/api/tokens/check', { token })).status).toBe(200);
    expect((await fetch(`${upstream.url}/console/api/booth-keys`)).status).toBe(401);
    expect((await budi.call('POST', '/console/api/logout', {})).status).toBe(200);
    expect(await budi.call('GET', '/console/api/session')).toMatchObject({ status: 401, body: { error: { code: 'NOT_LOGGED_IN' } } });
  });

  it('lists booth keys by kid for the page to cache, revoked ones marked', async () => {
    const siti = await officerLogin(upstream.url, 'siti', PASSWORD);
    const { body } = await siti.call('GET', '/console/api/booth-keys');
    const kid = (booth: ReturnType<typeof testBooth>) => Buffer.from(boothKid(booth.keys.publicKey)).toString('hex');
    expect(body.keys).toEqual(
      expect.arrayContaining([
        { kid: kid(alice), boothId: 'ALICE-01', publicKey: raw(alice.keys.publicKey), revoked: false },
        { kid: kid(revoked), boothId: 'STOLEN-01', publicKey: raw(revoked.keys.publicKey), revoked: true },
      ]),
    );
  });

  it('checks a token, takes one decision per enrollment, and tells the booth, signed, as soon as it is taken', async () => {
    const siti = await officerLogin(upstream.url, 'siti', PASSWORD);
    const budi = await officerLogin(upstream.url, 'budi', PASSWORD);
    const enrollmentId = newEnrollmentId();
    const token = alice.token(enrollmentId);
    const checked = await siti.call('POST', '/console/api/tokens/check', { token: token.text });
    expect(checked.body).toMatchObject({
      verdict: { ok: true, boothId: 'ALICE-01' },
      nonceUsed: false,
      decision: null,
      enrollment: { synced: false, receivedAt: null, cancelled: false },
    });
    expect(await boothAsks(alice, enrollmentId)).toMatchObject({ status: 200, body: { state: 'pending', enrollmentId } });

    // The booth waits; the officer approves; the booth hears it well before its wait ends.
    const started = performance.now();
    const waiting = boothAsks(alice, enrollmentId, 20);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const decided = await siti.call('POST', '/console/api/decisions', { token: token.text, decision: 'approve' });
    expect(decided).toMatchObject({
      status: 201,
      body: { decision: { enrollmentId, decision: 'approve', officerId: 'siti', boothId: 'ALICE-01' } },
    });
    const heard = await waiting;
    expect(performance.now() - started).toBeLessThan(5_000);
    const answer = signoffAnswerSchema.parse(heard.body);
    expect(answer).toMatchObject({ state: 'approved', enrollmentId, boothId: 'ALICE-01', officerId: 'siti', reason: null });
    if (answer.state === 'pending') throw new Error('not decided');
    const upstreamKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: testUpstreamKeys.signingPublicKey }, format: 'jwk' });
    const { signature, serverTime: _, ...fields } = answer;
    expect(verify(null, decisionToBeSigned(fields), upstreamKey, Buffer.from(signature, 'base64url'))).toBe(true);
    expect(verify(null, decisionToBeSigned({ ...fields, state: 'rejected' }), upstreamKey, Buffer.from(signature, 'base64url'))).toBe(
      false,
    );

    // Another officer, the same code: already decided, by whom. A renewed code of the same enrollment: the same.
    expect(
      await budi.call('POST', '/console/api/decisions', { token: token.text, decision: 'reject', reason: 'face-mismatch' }),
    ).toMatchObject({
      status: 409,
      body: { error: { code: 'ALREADY_DECIDED', decision: { officerId: 'siti', decision: 'approve' } } },
    });
    expect((await budi.call('POST', '/console/api/decisions', { token: alice.token(enrollmentId).text, decision: 'approve' })).status).toBe(
      409,
    );
    expect((await budi.call('POST', '/console/api/tokens/check', { token: token.text })).body).toMatchObject({
      nonceUsed: true,
      decision: { officerId: 'siti' },
    });
    // Only the booth that made the enrollment hears about it.
    expect(await boothAsks(bob, enrollmentId)).toMatchObject({ status: 403, body: { error: { code: 'WRONG_BOOTH' } } });
  });

  it('refuses, by reason, a token the page should not have let through', async () => {
    const siti = await officerLogin(upstream.url, 'siti', PASSWORD);
    const decide = (token: string) => siti.call('POST', '/console/api/decisions', { token, decision: 'approve' });
    const stranger = testBooth('STRANGER-01');
    expect((await decide(stranger.token(newEnrollmentId()).text)).body).toMatchObject({
      error: { code: 'TOKEN_REFUSED', reason: 'UNKNOWN_BOOTH' },
    });
    expect((await decide(revoked.token(newEnrollmentId()).text)).body).toMatchObject({ error: { reason: 'REVOKED_KEY' } });
    expect((await decide(alice.token(newEnrollmentId(), { nowMs: Date.now() - 10 * 60_000 }).text)).body).toMatchObject({
      error: { reason: 'EXPIRED' },
    });
    expect((await decide('HC1:6BFOXN')).body).toMatchObject({ error: { reason: 'WRONG_PREFIX' } });
    expect((await siti.call('POST', '/console/api/decisions', { token: 'x', decision: 'reject' })).body).toMatchObject({
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('a rejection needs a reason') },
    });
  });

  it('certifies the phone key: the approval it signs passes the booth’s check; a forged certificate does not', async () => {
    const siti = await officerLogin(upstream.url, 'siti', PASSWORD);
    const enrollmentId = newEnrollmentId();
    const token = alice.token(enrollmentId);
    const nonce = Buffer.from(token.claims.nonce).toString('hex');
    const now = Math.floor(Date.now() / 1000);
    const text = siti.approval({ enrollmentId, tokenNonce: nonce, issuedAt: now, expiresAt: now + 600, decision: { decision: 'approve' } });
    expect(text.startsWith(APPROVAL_PREFIX)).toBe(true);
    const upstreamKey = new Uint8Array(Buffer.from(testUpstreamKeys.signingPublicKey, 'base64url'));
    const expect_ = { enrollmentId, tokenNonces: [nonce] };
    expect(verifyApproval(text, { upstreamKey, now: Date.now(), expect: expect_ })).toMatchObject({ ok: true, officerId: 'siti' });
    // An upstream the booth does not trust certified it: not certified.
    const otherUpstream = new Uint8Array(Buffer.from(raw(generateKeyPairSync('ed25519').publicKey), 'base64url'));
    expect(verifyApproval(text, { upstreamKey: otherUpstream, now: Date.now(), expect: expect_ })).toMatchObject({
      ok: false,
      reason: 'NOT_CERTIFIED',
    });
  });

  it('throttles an address that fails too often, whichever ids it tries (last: it blocks 127.0.0.1 for this upstream)', async () => {
    const ids = ['guess-1', 'guess-2', 'guess-3', 'guess-4', 'guess-5'];
    for (const id of ids) expect(await officers.add(id, id, PASSWORD)).toEqual({ ok: true });
    // Failures so far from this address, then enough wrong passwords (4 per id, under each account's own lock) to reach 20.
    let failures = (await upstream.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'login.refused'"))[0]!
      .n;
    for (const id of ids)
      for (let i = 0; i < LOCK_AFTER_FAILURES - 1 && failures < ADDRESS_MAX_FAILURES; i++, failures++)
        expect((await officerLogin(upstream.url, id, 'not the password')).status).toBe(401);
    expect(failures).toBe(ADDRESS_MAX_FAILURES);
    const blocked = await officerLogin(upstream.url, 'siti', PASSWORD);
    expect(blocked).toMatchObject({
      status: 429,
      body: { error: { code: 'LOCKED', message: expect.stringMatching(/too many failed logins from this device: wait \d+ s/) } },
    });
  });

  it('keeps every login, refusal and decision in an audit log that cannot be changed or emptied', async () => {
    const rows = await upstream.db.query<{ actor: string; action: string }>('SELECT actor, action FROM audit_log ORDER BY seq');
    const actions = rows.map((row) => row.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'officer.added',
        'login',
        'login.refused',
        'login.locked',
        'logout',
        'token.checked',
        'decision.approve',
        'decision.refused',
      ]),
    );
    await expect(upstream.db.query("UPDATE audit_log SET actor = 'someone else'")).rejects.toThrow(/append-only/);
    await expect(upstream.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(upstream.db.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    expect((await upstream.db.query('SELECT count(*)::int AS n FROM audit_log'))[0]).toEqual({ n: rows.length });
  });
});
