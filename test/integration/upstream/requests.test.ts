// The reference upstream refuses what a booth did not send: forged,
// tampered, replayed, unsigned or misdirected requests, each with its code
// and plain words; and its intake follows the Idempotency-Key draft (the
// original answer for a repeat, 422 for other bytes under the same id,
// 409 while the first is still being taken). Real HTTP on 127.0.0.1.
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAcknowledgement, signBoothRequest } from '../../../src/core/sync';
import { cbor, sealRecord, uuidv7, x25519PublicKey } from '../../../src/core/vault';
import { CLAIM_STALE_S } from '../../../src/upstream/intake';
import { BoothRegistry } from '../../../src/upstream/registry';
import { startTestUpstream, testUpstreamKeys, upstreamRecords, upstreamStorages, type TestUpstream } from '../../support/upstream';
import { sampleEnrollment } from '../../support/vault';

const raw = (key: KeyObject) => key.export({ format: 'jwk' }).x ?? '';

function booth(boothId: string) {
  const keys = generateKeyPairSync('ed25519');
  const recipient = x25519PublicKey(Buffer.from(testUpstreamKeys.sealingPublicKey, 'base64url'));
  return {
    boothId,
    keys,
    /** A sealed enrollment of this booth (or of `as`, to forge one). */
    record(seed: number, options: { id?: string; signing?: KeyObject; recipientKeyId?: string; content?: object } = {}) {
      const id = options.id ?? uuidv7();
      const content = options.content ?? { ...sampleEnrollment(seed).content, enrollmentId: id, boothId };
      return sealRecord({ id, kind: 'enrollment', about: null, boothId, createdAt: new Date().toISOString() }, content, {
        recipient,
        recipientKeyId: options.recipientKeyId ?? testUpstreamKeys.sealingKeyId,
        signing: options.signing ?? keys.privateKey,
      });
    },
  };
}

describe.each(upstreamStorages)('upstream requests on %s', (storage) => {
  let upstream: TestUpstream;
  const alice = booth('ALICE-01');
  const mallory = booth('MALLORY-01');
  beforeAll(async () => {
    upstream = await startTestUpstream(storage, { registration: 'closed' });
    const registry = new BoothRegistry(upstream.db);
    await registry.register(alice.boothId, raw(alice.keys.publicKey), 'operator');
    await registry.register(mallory.boothId, raw(mallory.keys.publicKey), 'operator');
  }, 60_000);
  afterAll(async () => upstream?.close());

  const send = async (
    request: { method: string; path: string; body: Uint8Array; type?: string; boothId?: string; key?: KeyObject; created?: Date },
    tamper: (signed: { headers: Record<string, string>; body: Uint8Array }) => void = () => undefined,
  ) => {
    const signed = await signBoothRequest({
      method: request.method,
      url: `${upstream.url}${request.path}`,
      body: request.body,
      contentType: request.type ?? 'application/cbor',
      boothId: request.boothId ?? alice.boothId,
      signingKey: request.key ?? alice.keys.privateKey,
      created: request.created ?? new Date(),
    });
    const editable = { headers: { ...signed.headers }, body: signed.body };
    tamper(editable);
    return fetch(signed.url, { method: request.method, headers: editable.headers, body: editable.body as unknown as ArrayBuffer });
  };
  /** A batch signed by `from` (its id and key). */
  const sendBatchAs = (from: ReturnType<typeof booth>, ...records: Uint8Array[]) =>
    send({ method: 'POST', path: '/v1/records', body: batch(...records), boothId: from.boothId, key: from.keys.privateKey });
  const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;
  const batch = (...records: Uint8Array[]) => cbor.encode({ records });

  it('takes a signed batch and answers signed acknowledgements the booth accepts, and one signed by another key it refuses', async () => {
    const record = alice.record(1);
    const response = await send({ method: 'POST', path: '/v1/records', body: batch(record) });
    expect(response.status).toBe(200);
    const answer = cbor.decode(new Uint8Array(await response.arrayBuffer())) as {
      results: Array<{ id: string; status: number; ack: Uint8Array }>;
    };
    expect(answer.results).toHaveLength(1);
    const [result] = answer.results as [{ id: string; status: number; ack: Uint8Array }];
    expect(result.status).toBe(201);
    const expected = { recordId: result.id, boothId: alice.boothId, sealed: record };
    expect(checkAcknowledgement(result.ack, { ...expected, upstreamPublicKey: createPublicKey(testUpstreamKeys.signingKey) }).ok).toBe(
      true,
    );
    // A booth configured with another upstream's key does not take it.
    const otherUpstream = generateKeyPairSync('ed25519').publicKey;
    expect(checkAcknowledgement(result.ack, { ...expected, upstreamPublicKey: otherUpstream })).toMatchObject({
      ok: false,
      problem: 'BAD_SIGNATURE',
    });
    // Nor an acknowledgement of other bytes, or of another booth's record.
    expect(
      checkAcknowledgement(result.ack, {
        ...expected,
        sealed: alice.record(2),
        upstreamPublicKey: createPublicKey(testUpstreamKeys.signingKey),
      }),
    ).toMatchObject({ ok: false, problem: 'WRONG_RECORD' });
    expect(
      checkAcknowledgement(result.ack, { ...expected, boothId: 'OTHER', upstreamPublicKey: createPublicKey(testUpstreamKeys.signingKey) }),
    ).toMatchObject({ ok: false, problem: 'WRONG_RECORD' });
  });

  it('refuses a forged request: signed with a key that is not the registered one', async () => {
    const response = await send({ method: 'POST', path: '/v1/records', body: batch(alice.record(3)), key: mallory.keys.privateKey });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({ code: 'BAD_SIGNATURE', message: expect.stringMatching(/registered key/) });
  });

  it('refuses a tampered request: a body changed after signing, with or without a recomputed digest', async () => {
    const original = batch(alice.record(4));
    const changed = batch(alice.record(5));
    let response = await send({ method: 'POST', path: '/v1/records', body: original }, (signed) => void (signed.body = changed));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('BAD_DIGEST');
    response = await send({ method: 'POST', path: '/v1/records', body: original }, (signed) => {
      signed.body = changed;
      signed.headers['content-digest'] = `sha-256=:${Buffer.from(createHash('sha256').update(changed).digest()).toString('base64')}:`;
    });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('BAD_SIGNATURE');
    // A signature moved to another path does not hold either.
    response = await send(
      { method: 'POST', path: '/v1/records', body: original },
      (signed) => void (signed.headers['content-type'] = 'application/json'),
    );
    expect(response.status).toBe(401);
  });

  it('refuses a request with more than one signature (the outcome of one could be paired with the booth of another)', async () => {
    const response = await send({ method: 'POST', path: '/v1/records', body: batch(alice.record(30)) }, (signed) => {
      // A second entry beside Alice's own: the same signature again, labelled sig2.
      for (const name of Object.keys(signed.headers).filter((header) => /^signature(-input)?$/i.test(header)))
        signed.headers[name] = `${signed.headers[name]}, sig2=${signed.headers[name]!.replace(/^sig=/, '')}`;
    });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({ code: 'BAD_SIGNATURE', message: expect.stringMatching(/exactly one signature/) });
  });

  it('refuses a replay outside the window, and a request dated in the future', async () => {
    const old = await send({
      method: 'POST',
      path: '/v1/records',
      body: batch(alice.record(6)),
      created: new Date(Date.now() - 10 * 60_000),
    });
    expect(old.status).toBe(401);
    expect(await errorOf(old)).toMatchObject({ code: 'SIGNATURE_EXPIRED', message: expect.stringMatching(/replay|clock/) });
    const future = await send({
      method: 'POST',
      path: '/v1/records',
      body: batch(alice.record(7)),
      created: new Date(Date.now() + 10 * 60_000),
    });
    expect((await errorOf(future)).code).toBe('SIGNATURE_EXPIRED');
  });

  it('refuses an unsigned request, an unknown booth, a record of another booth, and a revoked booth', async () => {
    const unsigned = await fetch(`${upstream.url}/v1/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/cbor' },
      body: batch(alice.record(8)) as unknown as ArrayBuffer,
    });
    expect(unsigned.status).toBe(400);
    const stranger = booth('STRANGER-01');
    const unknown = await sendBatchAs(stranger, stranger.record(9));
    expect(unknown.status).toBe(401);
    expect((await errorOf(unknown)).code).toBe('UNKNOWN_BOOTH');
    // Closed registration: a booth cannot add itself.
    const registering = await send({
      method: 'POST',
      path: '/v1/booths/register',
      type: 'application/json',
      body: Buffer.from(JSON.stringify({ boothId: stranger.boothId, publicKey: raw(stranger.keys.publicKey), softwareVersion: 'x' })),
      boothId: stranger.boothId,
      key: stranger.keys.privateKey,
    });
    expect(registering.status).toBe(403);
    expect(await errorOf(registering)).toMatchObject({
      code: 'REGISTRATION_CLOSED',
      message: expect.stringContaining('booth add STRANGER-01'),
    });
    // Mallory sends a record that claims to be Alice's (signed with Mallory's key): refused per record.
    const misdirected = await sendBatchAs(mallory, alice.record(10, { signing: mallory.keys.privateKey }));
    const answer = cbor.decode(new Uint8Array(await misdirected.arrayBuffer())) as { results: Array<{ status: number; code: string }> };
    expect(answer.results[0]).toMatchObject({ status: 403, code: 'WRONG_BOOTH' });
    const revokedBooth = booth('REVOKED-01');
    const registry = new BoothRegistry(upstream.db);
    await registry.register(revokedBooth.boothId, raw(revokedBooth.keys.publicKey), 'operator');
    await registry.revoke(revokedBooth.boothId, 'stolen from the Depok office');
    const revoked = await sendBatchAs(revokedBooth, revokedBooth.record(11));
    expect(revoked.status).toBe(403);
    expect(await errorOf(revoked)).toMatchObject({
      code: 'BOOTH_REVOKED',
      message: expect.stringContaining('stolen from the Depok office'),
    });
  });

  it('refuses a registration signed as another booth: the key it presents must sign it', async () => {
    const intruder = booth('INTRUDER-01');
    // Signed by Alice (registered), presenting a key for another booth id that Alice does not hold.
    const response = await send({
      method: 'POST',
      path: '/v1/booths/register',
      type: 'application/json',
      body: Buffer.from(JSON.stringify({ boothId: intruder.boothId, publicKey: raw(intruder.keys.publicKey), softwareVersion: 'x' })),
    });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({
      code: 'BAD_SIGNATURE',
      message: expect.stringMatching(/must be signed by that booth/),
    });
    expect(await new BoothRegistry(upstream.db).find(intruder.boothId)).toBeNull();
  });

  it('refuses records it cannot take, each with its reason: sealed to another key, not a record, bad content', async () => {
    const otherKey = alice.record(12, { recipientKeyId: 'another-upstream' });
    const badContent = alice.record(13, { content: { format: 'anjungan-ikd/enrollment/v1', enrollmentId: 'x' } });
    const response = await send({ method: 'POST', path: '/v1/records', body: batch(otherKey, Buffer.from('not a record'), badContent) });
    const answer = cbor.decode(new Uint8Array(await response.arrayBuffer())) as {
      results: Array<{ status: number; code: string; message: string }>;
    };
    expect(answer.results.map((result) => result.code)).toEqual(['UNKNOWN_RECIPIENT_KEY', 'NOT_A_RECORD', 'INVALID_CONTENT']);
    expect(answer.results[0]!.message).toMatch(/another-upstream/);
  });

  it('follows the Idempotency-Key draft: the original answer for a repeat, 422 for other bytes, 409 while in progress', async () => {
    const id = uuidv7();
    const first = alice.record(20, { id });
    const putRecord = (recordId: string, body: Uint8Array, key = recordId) =>
      send({ method: 'PUT', path: `/v1/records/${recordId}`, body }, (signed) => void (signed.headers['idempotency-key'] = key));
    const put = (body: Uint8Array, key = id) => putRecord(id, body, key);
    // A claim another node holds on these bytes, taken `ageS` seconds ago.
    const claimHeld = (recordId: string, bytes: Uint8Array, ageS: number) =>
      upstream.db.query(
        "INSERT INTO intake (record_id, booth_id, digest, state, claimed_at) VALUES ($1, $2, $3, 'in-progress', now() - make_interval(secs => $4))",
        [recordId, alice.boothId, createHash('sha256').update(bytes).digest(), ageS],
      );
    const created = await put(first);
    expect(created.status).toBe(201);
    const ack = Buffer.from(await created.arrayBuffer());
    const repeat = await put(first);
    expect(repeat.status).toBe(200);
    expect(Buffer.from(await repeat.arrayBuffer()).equals(ack)).toBe(true);
    // The same id with other bytes (sealed again: a new ephemeral key) is refused, and the stored record is untouched.
    const other = await put(alice.record(20, { id }));
    expect(other.status).toBe(422);
    expect((await errorOf(other)).code).toBe('DIGEST_MISMATCH');
    expect((await upstreamRecords(upstream.db)).filter((row) => row.id === id)).toHaveLength(1);
    // An id whose first request is still being taken (a claim held by another node) answers 409.
    const busyId = uuidv7();
    const busy = alice.record(21, { id: busyId });
    await claimHeld(busyId, busy, 0);
    const inProgress = await putRecord(busyId, busy);
    expect(inProgress.status).toBe(409);
    expect((await errorOf(inProgress)).code).toBe('IN_PROGRESS');
    // A claim left by a node that stopped mid-way (older than CLAIM_STALE_S) is taken over by the next request for the same
    // bytes: stored once, acknowledged, and the same acknowledgement answers a repeat. For other bytes it stays refused.
    const staleId = uuidv7();
    const stale = alice.record(22, { id: staleId });
    await claimHeld(staleId, stale, CLAIM_STALE_S + 5);
    const putStale = (body: Uint8Array) => putRecord(staleId, body);
    expect((await putStale(alice.record(22, { id: staleId }))).status).toBe(422);
    const takenOver = await putStale(stale);
    expect(takenOver.status).toBe(201);
    const takenOverAck = Buffer.from(await takenOver.arrayBuffer());
    const repeatedStale = await putStale(stale);
    expect(repeatedStale.status).toBe(200);
    expect(Buffer.from(await repeatedStale.arrayBuffer()).equals(takenOverAck)).toBe(true);
    expect((await upstreamRecords(upstream.db)).filter((row) => row.id === staleId)).toHaveLength(1);
    const [booth] = await upstream.db.query<{ records_received: number }>('SELECT records_received FROM booths WHERE booth_id = $1', [
      alice.boothId,
    ]);
    expect(booth!.records_received).toBe((await upstreamRecords(upstream.db)).filter((row) => row.boothId === alice.boothId).length);
    // A missing or mismatched Idempotency-Key is a bad request.
    const mismatched = await put(first, uuidv7());
    expect(mismatched.status).toBe(400);
  });
});
