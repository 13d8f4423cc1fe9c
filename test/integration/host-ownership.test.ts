// One connection owns the citizen session, tried with two real WebSocket
// clients on 127.0.0.1 that both hold the launch token: the second neither
// sees the citizen's data nor steers the session; the owner's session is
// wiped when it goes away, unless the same page instance comes back within
// the grace, and nobody else can cut that grace short.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { boothClientOver, callMethod, openContract, type Opened } from '../support/contractClient';
import { startTestBooth, type TestBooth } from '../support/host';
import { walkTo } from '../support/walkTo';

const GRACE_MS = 400;
const NIK = '3174054208900001';
let booth: TestBooth;

beforeAll(async () => {
  booth = await startTestBooth({}, { ownerGraceMs: GRACE_MS });
});
afterAll(async () => {
  await booth?.close();
});
beforeEach(async () => {
  booth.booth.session.wipe('cancel');
  // Let the previous test's owner go (its grace ends with no session left).
  await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 100));
});

const instance = () => randomBytes(16).toString('hex');
const notOwner = { ok: false, error: { code: 'BUSY', reason: 'NOT_OWNER' } };

async function citizenAtEmailStep(page: Opened): Promise<void> {
  expect(await walkTo(boothClientOver(page), 'email', { language: 'en', nik: NIK })).toMatchObject({ step: 'email', nik: NIK });
}

describe('one owner per citizen session', () => {
  it('a second connection with the token neither sees nor steers the session', async () => {
    const owner = await openContract(booth.host);
    const other = await openContract(booth.host);
    await citizenAtEmailStep(owner);

    expect(JSON.stringify(owner.events)).toContain(NIK);
    expect(other.events).toEqual([]);
    expect(await callMethod(other, 'session.get')).toMatchObject(notOwner);
    expect(await callMethod(other, 'session.start', {})).toMatchObject(notOwner);
    expect(await callMethod(other, 'session.wipe', { reason: 'cancel' })).toMatchObject(notOwner);
    expect(await callMethod(other, 'session.submitEmail', { email: 'x@contoh.id' })).toMatchObject(notOwner);
    // Harmless booth facts stay open to every connection.
    expect(await callMethod(other, 'booth.info')).toMatchObject({ ok: true });

    expect(booth.booth.session.snapshot()).toMatchObject({ step: 'email', nik: NIK });
    expect(JSON.stringify(other.events)).not.toContain(NIK);
    await owner.close();
    await other.close();
  });

  it('wipes the session when the owner goes and does not come back, then lets another page own the booth', async () => {
    const owner = await openContract(booth.host, { instance: instance() });
    await citizenAtEmailStep(owner);
    await owner.close();
    expect(booth.booth.session.snapshot()).not.toBeNull(); // the grace for a reconnect
    await expect.poll(() => booth.booth.session.snapshot(), { timeout: GRACE_MS * 5 }).toBeNull();
    expect(booth.logText()).toContain('"reason":"disconnected"');

    const next = await openContract(booth.host);
    expect(await callMethod(next, 'session.get')).toEqual({ ok: true, value: null });
    expect(await callMethod(next, 'session.start', {})).toMatchObject({ ok: true });
    await next.close();
  });

  it('gives the session back to the same page instance reconnecting within the grace', async () => {
    const page = instance();
    const first = await openContract(booth.host, { instance: page });
    await citizenAtEmailStep(first);
    await first.close();
    const again = await openContract(booth.host, { instance: page });
    expect(await callMethod(again, 'session.get')).toMatchObject({ ok: true, value: { step: 'email', nik: NIK } });
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS * 2));
    expect(booth.booth.session.snapshot()).toMatchObject({ nik: NIK });
    expect(await callMethod(again, 'session.submitEmail', { email: 'siti@contoh.id' })).toMatchObject({ ok: true });
    await again.close();
  });

  it('a new page (a reload) asking during the grace waits for it, then finds no session, not the previous citizen', async () => {
    const before = instance();
    const first = await openContract(booth.host, { instance: before });
    await citizenAtEmailStep(first);
    const closedAt = Date.now();
    await first.close();

    const reloaded = await openContract(booth.host, { instance: instance() });
    expect(await callMethod(reloaded, 'session.get')).toEqual({ ok: true, value: null });
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_MS - 50);
    expect(booth.booth.session.snapshot()).toBeNull();
    expect(JSON.stringify(reloaded.events)).not.toContain(NIK);

    // The old page coming back late is now the other window.
    const late = await openContract(booth.host, { instance: before });
    expect(await callMethod(late, 'session.get')).toMatchObject(notOwner);
    await reloaded.close();
    await late.close();
  });

  it('a connection that names a malformed instance is a page of its own', async () => {
    const first = await openContract(booth.host, { instance: 'A'.repeat(32) });
    await citizenAtEmailStep(first);
    await first.close();
    const same = await openContract(booth.host, { instance: 'A'.repeat(32) });
    expect(await callMethod(same, 'session.get')).toEqual({ ok: true, value: null });
    await same.close();
  });

  it('a window open before the owner dropped is refused during the grace, and the owner page takes its session back', async () => {
    const page = instance();
    const owner = await openContract(booth.host, { instance: page });
    const other = await openContract(booth.host);
    await citizenAtEmailStep(owner);
    await dropAbruptly(owner);
    expect(await callMethod(other, 'session.get')).toMatchObject(notOwner);
    expect(await callMethod(other, 'session.start', {})).toMatchObject(notOwner);
    expect(booth.booth.session.snapshot()).toMatchObject({ step: 'email', nik: NIK });

    const back = await openContract(booth.host, { instance: page });
    expect(await callMethod(back, 'session.get')).toMatchObject({ ok: true, value: { step: 'email', nik: NIK } });
    expect(await callMethod(other, 'session.get')).toMatchObject(notOwner);
    await back.close();
    await other.close();
  });

  it('a window open before the owner dropped gets the booth, wiped, only once the grace is over', async () => {
    const owner = await openContract(booth.host, { instance: instance() });
    const other = await openContract(booth.host);
    await citizenAtEmailStep(owner);
    const droppedAt = Date.now();
    await dropAbruptly(owner);
    expect(await callMethod(other, 'session.get')).toMatchObject(notOwner);
    await expect.poll(() => booth.booth.session.snapshot(), { timeout: GRACE_MS * 5 }).toBeNull();
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(GRACE_MS - 50);
    expect(await callMethod(other, 'session.get')).toEqual({ ok: true, value: null });
    expect(await callMethod(other, 'session.start', {})).toMatchObject({ ok: true });
    await other.close();
  });

  it('a call from a connection opened during the grace waits, and is refused when the owner page comes back', async () => {
    const page = instance();
    const owner = await openContract(booth.host, { instance: page });
    await citizenAtEmailStep(owner);
    await dropAbruptly(owner);
    const newcomer = await openContract(booth.host, { instance: instance() });
    const newcomerAnswer = callMethod(newcomer, 'session.get');

    const back = await openContract(booth.host, { instance: page });
    expect(await callMethod(back, 'session.get')).toMatchObject({ ok: true, value: { step: 'email', nik: NIK } });
    expect(await newcomerAnswer).toMatchObject(notOwner);
    expect(JSON.stringify(newcomer.events)).not.toContain(NIK);
    await back.close();
    await newcomer.close();
  });

  it('logs the refusals of a window that keeps asking at debug level, not info', async () => {
    const owner = await openContract(booth.host);
    const other = await openContract(booth.host);
    expect(await callMethod(owner, 'session.start', {})).toMatchObject({ ok: true });
    for (let i = 0; i < 3; i++) expect(await callMethod(other, 'session.get')).toMatchObject(notOwner);
    const refusals = booth
      .logText()
      .split('\n')
      .filter((line) => line.includes('"event":"contract.rejected"') && line.includes('"reason":"NOT_OWNER"'));
    expect(refusals.length).toBeGreaterThanOrEqual(3);
    expect(refusals.every((line) => line.includes('"level":20'))).toBe(true);
    await owner.close();
    await other.close();
  });
});

function disconnections(): number {
  return booth.logText().split('"event":"contract.disconnected"').length - 1;
}

/** Ends a client's socket without a closing handshake (as the heartbeat ends one on a busy CPU) and waits until the host has seen it go. */
async function dropAbruptly(client: Opened): Promise<void> {
  const before = disconnections();
  client.ws.terminate();
  await expect.poll(disconnections, { timeout: 2_000 }).toBeGreaterThan(before);
}
