// The presence cap of the face step, on the core's session with a hand-driven
// clock: a face in view (the renderer's keep-alive every 10 s) holds the step
// open only up to face.presenceCapSec from the session's arrival there; only
// the step's own progress (a challenge, a capture) extends it further, and
// challenges run out.
import { describe, expect, it } from 'vitest';
import { CitizenSession } from '../../src/core/session';
import { CardSession } from '../../src/core/card';
import { FaceSession } from '../../src/core/face';
import type { CardReadout } from '../../src/core/card/ektp/readEktp';
import { formatBiodataRecord, parseBiodataRecord } from '../../src/core/card/ektp/biodata';
import { testIdentities } from '../../src/core/card/emulator/identities';
import { KEEPALIVE_INTERVAL_SEC } from '../../src/shared/contract/schemas';
import { ManualClock } from '../support/manualClock';

const EXPIRY_SEC = 110;
const CAP_SEC = 180;

function readout(): CardReadout {
  const identity = testIdentities[0]!;
  return {
    chipUid: '04A1B2C3D4E5F6',
    nik: identity.nik,
    biodata: parseBiodataRecord(formatBiodataRecord(identity)),
    photo: { format: 'jpeg', bytes: new Uint8Array(64).fill(7) },
    auth: { samAuthenticated: true, method: 'sam-mutual-authentication' },
  };
}

function sessionAtFace(cap: number | null = CAP_SEC) {
  const clock = new ManualClock();
  const wipes: string[] = [];
  const session = new CitizenSession({
    expirySec: EXPIRY_SEC,
    clock,
    presenceCapSec: cap ?? undefined,
    onWiped: (reason) => wipes.push(reason),
  });
  const card = new CardSession();
  const face = new FaceSession(3, 2);
  session.attach(card);
  session.attach(face);
  session.start('id');
  session.chooseLanguage('id');
  session.acceptConsent('v1');
  // What the card step does with a read, then the citizen confirms.
  card.keep(readout());
  expect(session.advance({ type: 'cardRead', chip: { name: 'SITI', nik: testIdentities[0]!.nik } })).toMatchObject({ ok: true });
  expect(session.advance({ type: 'cardConfirmed' })).toMatchObject({ ok: true, value: { step: 'email' } });
  session.submitEmail('siti@contoh.co.id');
  session.submitPhone('081234567890');
  expect(session.confirmReview()).toMatchObject({ ok: true, value: { step: 'face' } });
  return { clock, session, face, wipes, arrived: clock.time };
}

/** A face in view: the renderer's keep-alive every 10 s, for at most `sec` seconds or until the session is gone. */
function faceInView(clock: ManualClock, session: CitizenSession, sec: number): void {
  for (let elapsed = 0; elapsed < sec && session.active; elapsed += KEEPALIVE_INTERVAL_SEC) {
    session.keepAlive();
    clock.advance(KEEPALIVE_INTERVAL_SEC * 1000);
  }
}

function challenge(session: CitizenSession, face: FaceSession, clock: ManualClock, id: string) {
  face.issue({ id, steps: ['blink'], stepTimeoutMs: 7000 }, clock.now());
  return session.partChanged();
}

describe('face step presence cap', () => {
  it('a face in view keeps the face step open only up to the cap, then the core wipes the session', () => {
    const { clock, session, wipes, arrived } = sessionAtFace();
    faceInView(clock, session, 600);
    expect(wipes).toEqual(['expired']);
    // Wiped at the cap (give or take one keep-alive interval), not ten minutes later.
    expect(clock.time - arrived).toBeGreaterThanOrEqual(CAP_SEC * 1000);
    expect(clock.time - arrived).toBeLessThanOrEqual((CAP_SEC + KEEPALIVE_INTERVAL_SEC) * 1000);
  });

  it('before the cap a face in view holds the session past the plain expiry, and the snapshot counts down to the cap', () => {
    const { clock, session, wipes } = sessionAtFace();
    faceInView(clock, session, EXPIRY_SEC + 30);
    expect(wipes).toEqual([]);
    const left = session.keepAlive();
    expect(left.ok && left.value.expiresInSec).toBe(CAP_SEC - (EXPIRY_SEC + 30));
  });

  it('a challenge after the cap still extends the session, but only as far as the attempts go', () => {
    const { clock, session, face, wipes } = sessionAtFace();
    faceInView(clock, session, CAP_SEC - 10);
    for (const id of ['c1', 'c2', 'c3']) {
      expect(challenge(session, face, clock, id)).toMatchObject({ ok: true, value: { expiresInSec: EXPIRY_SEC } });
      faceInView(clock, session, 60);
      expect(wipes).toEqual([]);
    }
    expect(face.attemptsLeft).toBe(0);
    // No attempt is left: nothing but presence remains, and presence is past its cap.
    faceInView(clock, session, 600);
    expect(wipes).toEqual(['expired']);
  });

  it('presence never shortens what a challenge granted', () => {
    const { clock, session, face, wipes } = sessionAtFace();
    faceInView(clock, session, CAP_SEC - 20);
    challenge(session, face, clock, 'c1');
    clock.advance(20_000);
    const after = session.keepAlive();
    expect(after.ok && after.value.expiresInSec).toBe(EXPIRY_SEC - 20);
    clock.advance((EXPIRY_SEC - 21) * 1000);
    expect(wipes).toEqual([]);
    clock.advance(2000);
    expect(wipes).toEqual(['expired']);
  });

  it('switching language at the face step counts as presence, not progress; there is no way back to restart the cap', () => {
    const { clock, session, wipes, arrived } = sessionAtFace();
    expect(session.back()).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } });
    for (let i = 0; i < 60 && session.active; i++) {
      session.setLanguage(i % 2 ? 'id' : 'en');
      faceInView(clock, session, 10);
    }
    expect(wipes).toEqual(['expired']);
    expect(clock.time - arrived).toBeLessThanOrEqual((CAP_SEC + KEEPALIVE_INTERVAL_SEC) * 1000);
  });

  it('other steps are not capped, and a new session starts a new cap', () => {
    const { clock, session, wipes } = sessionAtFace();
    faceInView(clock, session, 600);
    expect(wipes).toEqual(['expired']);
    session.start('id');
    faceInView(clock, session, 600);
    expect(session.active).toBe(true);
    expect(wipes).toEqual(['expired']);
  });

  it('without a configured cap a keep-alive extends as before', () => {
    const { clock, session, wipes } = sessionAtFace(null);
    faceInView(clock, session, 600);
    expect(wipes).toEqual([]);
  });
});
