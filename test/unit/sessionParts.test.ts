// The session and its steps' parts: the snapshot is built from the parts,
// a part hears when the journey moves, and everything a part holds is zeroed
// by the part itself (the card part: on a card rejected, on going back from
// the card step, on a wipe).
import { describe, expect, it } from 'vitest';
import { CardSession, CARD_ATTEMPTS, type CardReadout } from '../../src/core/card';
import { FaceSession } from '../../src/core/face';
import { CitizenSession, newReference } from '../../src/core/session';
import { REFERENCE_PATTERN } from '../../src/shared/contract/schemas';
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
  const face = new FaceSession(3, 2);
  session.attach(card);
  session.attach(face);
  session.start('id');
  session.chooseLanguage('id');
  expect(session.acceptConsent('v1')).toMatchObject({ ok: true, value: { step: 'card' } });
  return { session, card, face };
}

const matched = (session: CitizenSession) =>
  session.advance({ type: 'cardRead', chip: { name: 'SITI RAHMAWATI', nik: '3174054208900001' } });

/** From a confirmed card on to the face step. */
function onToFace(session: CitizenSession) {
  expect(session.advance({ type: 'cardConfirmed' })).toMatchObject({ ok: true, value: { step: 'email' } });
  session.submitEmail('siti@contoh.co.id');
  session.submitPhone('081234567890');
  expect(session.confirmReview()).toMatchObject({ ok: true, value: { step: 'face' } });
}

describe('session parts', () => {
  it('builds the snapshot from the parts, and refuses to start a snapshot a part is missing from', () => {
    const { session } = atCard();
    expect(session.snapshot()).toMatchObject({
      cardAttemptsLeft: CARD_ATTEMPTS,
      faceAttemptsLeft: 3,
      faceCaptured: false,
      faceMatchesLeft: 2,
    });
    const bare = new CitizenSession({ expirySec: 100, clock: new ManualClock() });
    bare.attach(new CardSession());
    expect(() => bare.start('id')).toThrow(/faceAttemptsLeft, faceCaptured, faceMatchesLeft/);
  });

  it('the card part zeroes a rejected readout at once, and counts one attempt per placement of a card', () => {
    const { session, card } = atCard();
    const wrong = readout('3174054208900002');
    card.cardPlaced();
    card.keep(wrong);
    expect(card.reject()).toBe(false);
    expect(card.readout).toBeNull();
    expect(wrong.photo.bytes.every((byte) => byte === 0)).toBe(true);
    expect(session.partChanged()).toMatchObject({ ok: true, value: { cardAttemptsLeft: CARD_ATTEMPTS - 1 } });
    // The same card, not lifted: failing again uses nothing.
    expect(card.useAttempt()).toBe(false);
    expect(card.attemptsLeft).toBe(CARD_ATTEMPTS - 1);
    card.cardPlaced();
    expect(card.useAttempt()).toBe(false);
    card.cardPlaced();
    expect(card.useAttempt()).toBe(true);
    expect(card.attemptsLeft).toBe(0);
  });

  it('without a watch on the reader, every failure counts', () => {
    const { card } = atCard();
    expect([card.useAttempt(), card.useAttempt(), card.useAttempt()]).toEqual([false, false, true]);
  });

  it('keeps a confirmed readout on to the face step, and zeroes it when the citizen goes back from the card step', () => {
    const { session, card } = atCard();
    const kept = readout();
    card.keep(kept);
    matched(session);
    expect(session.back()).toMatchObject({ ok: true, value: { step: 'consent', chip: undefined } });
    expect(card.readout).toBeNull();
    expect(kept.photo.bytes.every((byte) => byte === 0)).toBe(true);

    const again = readout();
    session.acceptConsent('v1');
    card.keep(again);
    matched(session);
    onToFace(session);
    expect(card.readout).toBe(again);
    expect(again.photo.bytes.some((byte) => byte !== 0)).toBe(true);
  });

  it('a wipe zeroes what every part holds and restores the attempts', () => {
    const { session, card } = atCard();
    const kept = readout();
    card.keep(readout('3174054208900002'));
    card.reject();
    card.keep(kept);
    session.wipe('cancel');
    expect(card.readout).toBeNull();
    expect(kept.photo.bytes.every((byte) => byte === 0)).toBe(true);
    expect(card.attemptsLeft).toBe(CARD_ATTEMPTS);
  });

  it('makes short references a desk can read out: 8 unambiguous characters, and not the same twice', () => {
    const references = Array.from({ length: 2000 }, () => newReference());
    for (const reference of references) expect(reference).toMatch(REFERENCE_PATTERN);
    expect(new Set(references).size).toBe(references.length);
    // Every one of the 32 characters turns up, and none of I, L, O, U.
    expect(new Set(references.join('').replace(/-/g, '')).size).toBe(32);
    expect(REFERENCE_PATTERN.test('7KQ2-M9XO')).toBe(false);
  });

  it('a referral zeroes what every part holds at once, keeps the counts, and is refused from another step', () => {
    const { session, card, face } = atCard();
    expect(session.refer('face-failed')).toMatchObject({ ok: false, error: { code: 'WRONG_STEP' } });
    const kept = readout();
    card.keep(kept);
    matched(session);
    onToFace(session);
    face.issue({ id: 'challenge-1', steps: ['blink'], stepTimeoutMs: 7000 }, 0);
    const still = new Uint8Array(32).fill(9);
    face.accept({
      frames: [],
      still: { jpeg: still, width: 640, height: 480 },
      challenge: { id: 'c', steps: [], stepTimeoutMs: 1 },
      evidence: [],
      pictureEvidence: null,
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
    // The reference the desk asks for: the screen shows it, the log keeps it with the reason.
    expect(session.snapshot()?.referral?.reference).toMatch(REFERENCE_PATTERN);
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
