// The officer's sign-off in the citizen's journey, with the whole booth (the
// real matcher, the vault, the contract) and the reference upstream over
// real HTTP: the booth shows a token the upstream verifies; an officer's
// approval reaches the booth by its long-poll (online) or by the approval
// QR's text (offline); a rejection sends the citizen to the desk; each
// decision is stored as a sealed record and synced; bad approvals are
// refused by name.
import { createHmac, type KeyObject } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enrollmentContentSchema, signoffContentSchema } from '../../../src/shared/upstream/enrollment';
import { cbor, rawEd25519PublicKey } from '../../../src/core/vault';
import { testIdentities } from '../../../src/core/card/emulator/identities';
import { boothAtFaceStep, captureVideoFace, type FaceClient } from '../../support/faceJourney';
import { startUpstreamWithOfficer, type OfficerClient } from '../../support/officerClient';
import { testSyncConfig, upstreamRecords, type TestUpstream } from '../../support/upstream';
import { readTestVault } from '../../support/vault';
import { ed25519 } from '@noble/curves/ed25519.js';
import { buildApproval, encodeOfficerCertificate } from '../../../src/shared/signoff/approval';
import { BoothRegistry } from '../../../src/upstream/registry';
import { toHex, verifySignoffToken } from '../../../src/shared/signoff/token';

const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
});

/** The claims of a token the booth signed, checked with its public key. */
async function tokenClaims(text: string, boothPublicKey: KeyObject) {
  const verdict = await verifySignoffToken(text, {
    keysFor: () => [{ boothId: 'booth', publicKey: rawEd25519PublicKey(boothPublicKey), revoked: false }],
    now: Date.now(),
  });
  if (!verdict.ok) throw new Error(verdict.detail);
  return verdict.claims;
}

async function atSignoff(client: FaceClient) {
  await captureVideoFace(client);
  expect(await client.face.verify()).toMatchObject({ ok: true, value: { step: 'signoff' } });
  const token = await client.signoff.request();
  if (!token.ok) throw new Error(token.error.message);
  return token.value;
}

describe('officer sign-off in the journey', () => {
  let upstream: TestUpstream;
  let siti: OfficerClient;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ upstream, officer: siti, close } = await startUpstreamWithOfficer('siti'));
  }, 60_000);
  afterAll(async () => close?.());

  it('online: the upstream checks the token, the officer approves, the booth is done at once and syncs the decision', async () => {
    const { client, booth, config, logs } = await boothAtFaceStep(
      3,
      { booth: { id: 'SIGNOFF-ON-01' }, sync: testSyncConfig(upstream.url) },
      opened,
    );
    const token = await atSignoff(client);
    expect(token).toMatchObject({ online: true, nikLast4: testIdentities[3]!.nik.slice(-4), qr: { version: 10 } });
    expect(token.expiresAt - token.issuedAt).toBe(180_000);
    // Asked again, the same token (it has most of its life left).
    expect(await client.signoff.request()).toMatchObject({ ok: true, value: { text: token.text } });
    // The enrollment reaches the upstream (the booth registers itself there on its first pass).
    await expect
      .poll(async () => (await upstreamRecords(upstream.db)).filter((row) => row.boothId === 'SIGNOFF-ON-01').length, { timeout: 15_000 })
      .toBe(1);
    const checked = await siti.call('POST', '/console/api/tokens/check', { token: token.text });
    expect(checked.body).toMatchObject({ verdict: { ok: true, boothId: 'SIGNOFF-ON-01' }, enrollment: { synced: true }, decision: null });
    const enrollmentId = (await readTestVault(config.vault.dir))[0]!.record.id;
    // The photos side by side for the officer.
    const chip = await siti.call('GET', `/console/api/enrollments/${enrollmentId}/photos/chip`);
    expect(chip.status).toBe(200);
    expect((chip.body as Buffer).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    // The token's NIK digest is the one the upstream can check with the key sealed into the enrollment.
    const [stored] = (await upstreamRecords(upstream.db)).filter((row) => row.boothId === 'SIGNOFF-ON-01');
    const content = enrollmentContentSchema.parse(cbor.decode(stored!.content));
    const digest = createHmac('sha256', content.signoff!.nikDigestKey)
      .update(`anjungan-ikd/signoff-nik/v1:${content.citizen.nik}`)
      .digest();
    const vault = await booth.vault;
    const claims = await tokenClaims(token.text, vault.boothPublicKey!);
    expect(claims.enrollmentId).toBe(enrollmentId);
    expect(Buffer.from(claims.nikDigest)).toEqual(digest.subarray(0, 6));
    expect(claims.evidence).toMatchObject({
      chipAuthenticated: true,
      livenessPassed: true,
      matchThreshold: Math.round((content.face.match.threshold as number) * 1000),
    });
    expect(claims.evidence.matchDistance).toBeLessThanOrEqual(claims.evidence.matchThreshold);

    const decidedAt = performance.now();
    expect((await siti.call('POST', '/console/api/decisions', { token: token.text, decision: 'approve' })).status).toBe(201);
    await expect
      .poll(async () => (await client.session.get()).ok && ((await client.session.get()) as { value: { step: string } }).value.step, {
        timeout: 5_000,
        interval: 50,
      })
      .toBe('done');
    expect(performance.now() - decidedAt).toBeLessThan(2_000);
    // The booth stored the decision as a sealed record about the enrollment, and synced it.
    await expect
      .poll(async () => (await upstreamRecords(upstream.db)).filter((row) => row.boothId === 'SIGNOFF-ON-01').map((row) => row.kind), {
        timeout: 15_000,
      })
      .toEqual(['enrollment', 'signoff']);
    const signoff = (await upstreamRecords(upstream.db)).find((row) => row.boothId === 'SIGNOFF-ON-01' && row.kind === 'signoff')!;
    expect(signoffContentSchema.parse(cbor.decode(signoff.content))).toMatchObject({
      enrollmentId,
      decision: 'approve',
      officerId: 'siti',
      via: 'upstream',
    });
    expect(logs.join('')).toContain('"event":"signoff.decided"');
    expect(logs.join('')).not.toContain(testIdentities[3]!.nik);
  });

  it('online: a rejection sends the citizen to the desk with the officer’s reason, and is stored', async () => {
    const { client, config } = await boothAtFaceStep(3, { booth: { id: 'SIGNOFF-REJ-01' }, sync: testSyncConfig(upstream.url) }, opened);
    const token = await atSignoff(client);
    await expect
      .poll(async () => (await upstreamRecords(upstream.db)).filter((row) => row.boothId === 'SIGNOFF-REJ-01').length, { timeout: 15_000 })
      .toBe(1);
    const rejected = await siti.call('POST', '/console/api/decisions', {
      token: token.text,
      decision: 'reject',
      reason: 'face-mismatch',
      note: 'not the person on the card',
    });
    expect(rejected.status).toBe(201);
    await expect
      .poll(async () => (await client.session.get()) as { ok: boolean; value?: { step: string; referral?: unknown } }, {
        timeout: 5_000,
        interval: 50,
      })
      .toMatchObject({ ok: true, value: { step: 'referred', referral: { reason: 'signoff-rejected', code: 'FACE_MISMATCH' } } });
    await expect
      .poll(async () => (await readTestVault(config.vault.dir)).map((entry) => entry.record.kind), { timeout: 5_000 })
      .toEqual(['enrollment', 'signoff']);
    const decision = (await readTestVault(config.vault.dir))[1]!;
    expect(signoffContentSchema.parse(decision.content)).toMatchObject({ decision: 'reject', reason: 'face-mismatch', via: 'upstream' });
  });

  it('offline: the officer’s approval QR, read by the booth, ends the journey; other approvals are refused by name', async () => {
    // No upstream for this booth: only the approval QR reaches it. The officer's upstream knows its key (an operator added it).
    const { client, booth, config } = await boothAtFaceStep(3, { booth: { id: 'SIGNOFF-OFF-01' }, sync: testSyncConfig(null) }, opened);
    const vault = await booth.vault;
    await new BoothRegistry(upstream.db).register(
      'SIGNOFF-OFF-01',
      rawEd25519PublicKey(vault.boothPublicKey!).toString('base64url'),
      'operator',
    );
    const token = await atSignoff(client);
    expect(token.online).toBe(false);
    expect((await siti.call('POST', '/console/api/tokens/check', { token: token.text })).body).toMatchObject({
      verdict: { ok: true, boothId: 'SIGNOFF-OFF-01' },
      enrollment: { synced: false },
    });
    const decided = await siti.call('POST', '/console/api/decisions', { token: token.text, decision: 'approve' });
    expect(decided.status).toBe(201);
    const enrollmentId = decided.body.decision.enrollmentId as string;
    const nonce = toHex((await tokenClaims(token.text, vault.boothPublicKey!)).nonce);
    const now = Math.floor(Date.now() / 1000);
    const claims = { enrollmentId, tokenNonce: nonce, issuedAt: now, expiresAt: now + 600, decision: { decision: 'approve' as const } };
    const refusedWith = async (text: string) => {
      const answer = await client.signoff.scanApproval({ text });
      return answer.ok ? 'accepted' : `${answer.error.code} ${answer.error.reason}`;
    };
    // Not approvals, or not for this screen.
    expect(await refusedWith(token.text)).toBe('APPROVAL_REFUSED WRONG_PREFIX');
    expect(await refusedWith(siti.approval({ ...claims, enrollmentId: '019ad5c2-7f10-7a3b-8c4d-000000000001' }))).toBe(
      'APPROVAL_REFUSED OTHER_ENROLLMENT',
    );
    expect(await refusedWith(siti.approval({ ...claims, issuedAt: now - 900, expiresAt: now - 300 }))).toBe('APPROVAL_REFUSED EXPIRED');
    // An officer the upstream never certified: a certificate signed by another key.
    const rogue = ed25519.utils.randomSecretKey();
    const forged = encodeOfficerCertificate(
      { officerId: 'rogue', issuedAt: now - 60, expiresAt: now + 3600, officerKey: ed25519.getPublicKey(rogue) },
      (tbs) => ed25519.sign(tbs, rogue),
    );
    expect(await refusedWith(buildApproval(claims, forged, (tbs) => ed25519.sign(tbs, rogue)))).toBe('APPROVAL_REFUSED NOT_CERTIFIED');
    expect(await client.session.get()).toMatchObject({ ok: true, value: { step: 'signoff' } });

    const approval = siti.approval(claims);
    expect(await client.signoff.scanApproval({ text: approval })).toMatchObject({ ok: true, value: { step: 'done' } });
    const stored = await readTestVault(config.vault.dir);
    expect(stored.map((entry) => entry.record.kind)).toEqual(['enrollment', 'signoff']);
    expect(signoffContentSchema.parse(stored[1]!.content)).toMatchObject({
      enrollmentId,
      decision: 'approve',
      officerId: 'siti',
      via: 'approval-qr',
      proof: approval,
    });
    // The same approval again, at the next citizen's sign-off on this booth: already used.
    expect(await client.signoff.scanApproval({ text: approval })).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } });
  });
});
