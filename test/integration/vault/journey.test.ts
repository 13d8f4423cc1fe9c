// The vault in the citizen's journey, through the contract with the real
// matcher: a match is saved (sealed, signed, stored) before the sign-off
// step; a save that fails sends the citizen to the desk with the reason;
// a booth whose vault cannot keep an enrollment takes no new citizen.
import { afterEach, describe, expect, it } from 'vitest';
import { enrollmentContentSchema } from '../../../src/shared/upstream/enrollment';
import { testIdentities } from '../../../src/core/card/emulator/identities';
import { boothAtFaceStep, captureVideoFace } from '../../support/faceJourney';
import { inProcessBooth } from '../../support/inProcess';
import { composeBooth } from '../../../src/core/booth/compose';
import { ConfigError } from '../../../src/core/config';
import { DEMO_UPSTREAM_KEY } from '../../../src/core/config/schema';
import { readTestVault } from '../../support/vault';
import { siti, walkTo } from '../../support/walkTo';

const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
});

describe('the saving step', () => {
  it('seals and stores the matched enrollment before sign-off, whole, and logs no personal data', async () => {
    const { client, booth, logs, config } = await boothAtFaceStep(3, {}, opened);
    const steps: string[] = [];
    booth.events.subscribe((event, payload) => {
      if (event === 'session.changed' && payload) steps.push((payload as { step: string }).step);
    });
    await captureVideoFace(client);
    expect(await client.face.verify()).toMatchObject({ ok: true, value: { step: 'signoff' } });
    // The screen was told of the saving step before the sign-off.
    expect(steps.slice(-2)).toEqual(['saving', 'signoff']);
    const stored = await readTestVault(config.vault.dir);
    expect(stored).toHaveLength(1);
    const [{ row, record, content }] = stored as [(typeof stored)[number]];
    expect(row).toMatchObject({ kind: 'enrollment', state: 'pending', attempts: 0, about: null });
    expect(record).toMatchObject({ boothId: config.booth.id, recipientKeyId: 'test-upstream', about: null });
    const enrollment = enrollmentContentSchema.parse(content);
    const citizen = testIdentities[3]!;
    expect(enrollment).toMatchObject({
      enrollmentId: record.id,
      boothId: config.booth.id,
      software: { version: '0.0.0-test', consentVersion: expect.any(String) },
      citizen: { nik: citizen.nik, name: citizen.name, email: siti.email, phone: '+6281234567890', language: 'id' },
      chip: { samAuthenticated: true, biodata: { nik: citizen.nik, placeOfBirth: citizen.placeOfBirth } },
      face: { fullFrame: { width: 640, height: 480 }, match: { decision: 'match' } },
    });
    expect(enrollment.face.crops).toHaveLength(3);
    expect(enrollment.face.liveness.steps).toHaveLength(3);
    expect(enrollment.times.sessionStartedAt).not.toBeNull();
    // The crops stored are the pictures matched, not zeroed copies.
    expect(enrollment.face.crops.every((crop) => crop.jpeg[0] === 0xff && crop.jpeg[1] === 0xd8)).toBe(true);
    const saved = logs.find((line) => line.includes('"event":"vault.enrollment_saved"'))!;
    expect(JSON.parse(saved)).toMatchObject({ id: record.id, bytes: expect.any(Number) });
    const everything = logs.join('');
    for (const value of [citizen.nik, citizen.name, siti.email, '6281234567890']) expect(everything).not.toContain(value);
    // The next person starts over this session (a reload, a walk-away): the booth's own wipe cancels nothing.
    expect(await client.session.start({})).toMatchObject({ ok: true, value: { step: 'language' } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await readTestVault(config.vault.dir)).toHaveLength(1);
  });

  it('stores a cancel after the save as a sealed cancellation about the enrollment; a cancel before any save stores nothing', async () => {
    const { client, config } = await boothAtFaceStep(3, {}, opened);
    await captureVideoFace(client);
    expect(await client.face.verify()).toMatchObject({ ok: true, value: { step: 'signoff' } });
    expect(await client.session.wipe({ reason: 'cancel' })).toMatchObject({ ok: true, value: { wiped: true } });
    await expect.poll(async () => (await readTestVault(config.vault.dir)).length, { timeout: 5_000 }).toBe(2);
    const [enrollment, cancellation] = await readTestVault(config.vault.dir);
    expect(cancellation!.row).toMatchObject({ kind: 'cancellation', about: enrollment!.record.id, state: 'pending' });
    expect(cancellation!.content).toMatchObject({
      format: 'anjungan-ikd/cancellation/v1',
      enrollmentId: enrollment!.record.id,
      reason: 'citizen-cancelled',
    });
    // The next citizen cancels before any save: nothing is stored, and they are not taken for the previous one.
    await walkTo(client, 'consent');
    expect(await client.session.wipe({ reason: 'cancel' })).toMatchObject({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await readTestVault(config.vault.dir)).toHaveLength(2);
  });

  it('sends the citizen to the desk when the vault fails at the save, and stores nothing half-way', async () => {
    const { client, booth, logs, config } = await boothAtFaceStep(3, {}, opened);
    await captureVideoFace(client);
    // The vault's writer is gone (a crash past its restart budget, a stop): the save cannot happen.
    await (await booth.vault).writer!.stop();
    expect(await client.face.verify()).toMatchObject({
      ok: true,
      value: { step: 'referred', referral: { reason: 'enrollment-not-saved', code: 'WRITER_FAILED' } },
    });
    expect(logs.join('')).toMatch(/"event":"vault.enrollment_not_saved","reason":"WRITER_FAILED"/);
    // The capture is zeroed with the referral, and the vault holds nothing of this citizen.
    expect(booth.steps.face.part.capture).toBeNull();
    expect(await readTestVault(config.vault.dir)).toEqual([]);
  });
});

describe('admission', () => {
  it('takes no new citizen while the vault disk is under its threshold, and says so on booth.info and booth.admission', async () => {
    const booth = await inProcessBooth({ vault: { minFreeMb: 1_000_000 } });
    opened.push(() => booth.booth.dispose());
    const heard: unknown[] = [];
    booth.client.on('booth.admission', (admission) => heard.push(admission));
    expect(await booth.client.booth.info()).toMatchObject({ ok: true, value: { admission: { open: false, reason: 'VAULT_DISK_LOW' } } });
    expect(await booth.client.session.start({})).toMatchObject({
      ok: false,
      error: { code: 'OUT_OF_SERVICE', reason: 'VAULT_DISK_LOW', message: expect.stringMatching(/MB free on the vault's disk/) },
    });
    expect(booth.booth.session.snapshot()).toBeNull();
    await expect.poll(() => heard, { timeout: 5_000 }).toContainEqual({ open: false, reason: 'VAULT_DISK_LOW' });
    expect(booth.logs.join('')).toMatch(/"event":"booth.admission_closed","reason":"VAULT_DISK_LOW"/);
  });

  it("an installed booth refuses the demonstration upstream key by its bytes, whatever the configuration's demo flag says", async () => {
    const refused = await composeBooth({
      config: {
        devices: { card: { driver: 'none' } },
        vault: {
          dir: '/var/lib/booth/vault',
          keys: { provider: 'tpm' },
          upstreamKey: { id: 'renamed', publicKey: DEMO_UPSTREAM_KEY.publicKey },
        },
      },
      version: '0.0.0-test',
      packaged: true,
    }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).problems).toEqual([
      "vault.upstreamKey: an installed booth does not seal enrollments to the project's demonstration key; set the upstream's own key",
      "sync.upstreamSigningKey: an installed booth does not trust acknowledgements signed with the project's demonstration key; set the upstream's own key",
    ]);
  });

  it('takes no new citizen when the vault cannot open (a wrong passphrase), and names the reason for the technician', async () => {
    const first = await inProcessBooth({});
    const dir = first.config.vault.dir;
    await first.booth.dispose();
    const booth = await inProcessBooth({ vault: { dir, keys: { provider: 'development', passphrase: 'not the one it was made with' } } });
    opened.push(() => booth.booth.dispose());
    expect(await booth.client.session.start({})).toMatchObject({
      ok: false,
      error: { code: 'OUT_OF_SERVICE', reason: 'VAULT_UNAVAILABLE' },
    });
    expect(booth.logs.join('')).toMatch(/"event":"vault.unavailable","reason":"WRONG_PASSPHRASE"/);
  });
});
