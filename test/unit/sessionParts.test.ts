// The session and its steps' parts: the snapshot is built from the parts,
// a part hears when the journey moves, and everything a part holds is zeroed
// by the part itself (the card part: on a refused read, on going back from
// the card step, on a wipe).
import { describe, expect, it } from 'vitest';
import { CardSession, CARD_ATTEMPTS, type CardReadout } from '../../src/core/card';
import { FaceSession } from '../../src/core/face';
import { CitizenSession } from '../../src/core/session';
import { ManualClock } from '../support/manualClock';

function readout(nik = '3174054208900001'): CardReadout {
  return {
    chipUid: '04A1B2C3D4E5F6',
    nik,
    biodata: { name: 'SITI RAHMAWATI' } as CardReadout['biodata'],
    photo: { format: 'jpeg', bytes: new Uint8Array(64).fill(7) },
    auth: { samAuthenticated: true, method: 'sam-mutual-authentication' },
  };
}

function atCard() {
  const session = new CitizenSession({ expirySec: 100, clock: new ManualClock() });
  const card = new CardSession();
  const face = new FaceSession(3);
  session.attach(card);
  session.attach(face);
  session.start('id');
  session.chooseLanguage('id');
  session.acceptConsent('v1');
  session.submitNik('3174054208900001');
  session.submitEmail('siti@contoh.co.id');
  session.submitPhone('081234567890');
  expect(session.confirmReview()).toMatchObject({ ok: true, value: { step: 'card' } });
  return { session, card, face };
}

const matched = (session: CitizenSession) =>
  session.advance({ type: 'cardRead', chip: { name: 'SITI RAHMAWATI', nikMasked: '31************01' } });

describe('session parts', () => {
  it('builds the snapshot from the parts, and refuses to start a snapshot a part is missing from', () => {
    const { session } = atCard();
    expect(session.snapshot()).toMatchObject({ cardAttemptsLeft: CARD_ATTEMPTS, faceAttemptsLeft: 3, faceCaptured: false });
    const bare = new CitizenSession({ expirySec: 100, clock: new ManualClock() });
    bare.attach(new CardSession());
    expect(() => bare.start('id')).toThrow(/faceAttemptsLeft, faceCaptured/);
  });

  it('the card part zeroes a refused readout at once and counts the attempt', () => {
    const { session, card } = atCard();
    const wrong = readout('3174054208900002');
    expect(card.refuse(wrong)).toBe(false);
    expect(wrong.photo.bytes.every((byte) => byte === 0)).toBe(true);
    expect(session.partChanged()).toMatchObject({ ok: true, value: { cardAttemptsLeft: CARD_ATTEMPTS - 1 } });
    card.refuse(readout('3174054208900002'));
    expect(card.refuse(readout('3174054208900002'))).toBe(true);
    expect(card.attemptsLeft).toBe(0);
  });

  it('keeps a matched readout on to the face step, and zeroes it when the citizen goes back from the card step', () => {
    const { session, card } = atCard();
    const kept = readout();
    card.keep(kept);
    matched(session);
    expect(session.back()).toMatchObject({ ok: true, value: { step: 'review' } });
    expect(card.readout).toBeNull();
    expect(kept.photo.bytes.every((byte) => byte === 0)).toBe(true);

    const again = readout();
    session.confirmReview();
    card.keep(again);
    matched(session);
    expect(session.advance({ type: 'cardConfirmed' })).toMatchObject({ ok: true, value: { step: 'face' } });
    expect(card.readout).toBe(again);
    expect(again.photo.bytes.some((byte) => byte !== 0)).toBe(true);
  });

  it('a wipe zeroes what every part holds and restores the attempts', () => {
    const { session, card } = atCard();
    const kept = readout();
    card.refuse(readout('3174054208900002'));
    card.keep(kept);
    session.wipe('cancel');
    expect(card.readout).toBeNull();
    expect(kept.photo.bytes.every((byte) => byte === 0)).toBe(true);
    expect(card.attemptsLeft).toBe(CARD_ATTEMPTS);
  });

  it('a referral zeroes what every part holds at once, keeps the counts, and is refused from another step', () => {
    const { session, card, face } = atCard();
    expect(session.refer('face-failed')).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } });
    const kept = readout();
    card.keep(kept);
    matched(session);
    session.advance({ type: 'cardConfirmed' });
    face.issue({ id: 'challenge-1', steps: ['blink'], stepTimeoutMs: 7000 }, 0);
    const still = new Uint8Array(32).fill(9);
    face.accept({
      frames: [],
      still: { jpeg: still, width: 640, height: 480 },
      challenge: { id: 'c', steps: [], stepTimeoutMs: 1 },
      evidence: [],
      capturedAt: 0,
    });
    expect(session.refer('face-match-unavailable')).toMatchObject({
      ok: true,
      value: {
        step: 'referred',
        referral: { reason: 'face-match-unavailable' },
        faceAttemptsLeft: 2,
        faceCaptured: false,
        chip: undefined,
      },
    });
    expect(card.readout).toBeNull();
    expect(kept.photo.bytes.every((byte) => byte === 0)).toBe(true);
    expect(face.capture).toBeNull();
    expect(still.every((byte) => byte === 0)).toBe(true);
    expect(face.takeChallenge('challenge-1')).toBeNull();
    // Nothing moves the journey on from there; only the wipe ends it.
    expect(session.back()).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } });
    expect(session.refer('face-failed')).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } });
    expect(session.wipe('finished')).toBe(true);
  });
});
