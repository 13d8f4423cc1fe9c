import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  initialJourney,
  journeySteps,
  referralReasons,
  referralSteps,
  transition,
  type JourneyEvent,
  type JourneyState,
  type JourneyStep,
  type ReferralReason,
} from '../../src/shared/journey/machine';
import { sessionSnapshotSchema } from '../../src/shared/contract/schemas';

function run(events: JourneyEvent[], state: JourneyState = initialJourney()): JourneyState {
  return events.reduce((current, event) => {
    const next = transition(current, event);
    if (!next.ok) throw new Error(`refused ${event.type} at ${current.step}`);
    return next.state;
  }, state);
}

const chip = { name: 'SITI RAHMAWATI', nik: '3174054208900001' };

const toReview: JourneyEvent[] = [
  { type: 'chooseLanguage', language: 'en' },
  { type: 'acceptConsent' },
  { type: 'cardRead', chip },
  { type: 'cardConfirmed' },
  { type: 'emailAccepted', email: 'a@b.id' },
  { type: 'phoneAccepted', phone: '+6281234567890' },
];

describe('journey machine', () => {
  it('walks language → consent → card → email → phone → review → face → saving → sign-off → done', () => {
    const read = run(toReview.slice(0, 3));
    // Read, not yet confirmed: the chip is shown, the NIK is not the journey's yet.
    expect(read).toMatchObject({ step: 'card', language: 'en', consentAccepted: true, chip });
    expect(read.nik).toBeUndefined();
    const review = run(toReview);
    expect(review).toMatchObject({ step: 'review', nik: '3174054208900001', chip, email: 'a@b.id', phone: '+6281234567890' });
    const done = run([{ type: 'confirmReview' }, { type: 'faceVerified' }, { type: 'saved' }, { type: 'signedOff' }], review);
    expect(done.step).toBe('done');
  });

  it('refuses an event that does not belong to the step', () => {
    expect(transition(initialJourney(), { type: 'cardRead', chip })).toEqual({ ok: false, from: 'language', event: 'cardRead' });
    expect(transition(initialJourney(), { type: 'confirmReview' }).ok).toBe(false);
    const atCard = run(toReview.slice(0, 2));
    expect(atCard.step).toBe('card');
    expect(transition(atCard, { type: 'cardConfirmed' }).ok).toBe(false); // nothing read yet
    expect(transition(atCard, { type: 'cardRejected' }).ok).toBe(false);
    expect(transition(atCard, { type: 'emailAccepted', email: 'a@b.id' }).ok).toBe(false);
    const read = run([{ type: 'cardRead', chip }], atCard);
    expect(transition(read, { type: 'cardRead', chip }).ok).toBe(false); // one card at a time
    expect(transition(run(toReview), { type: 'cardRead', chip }).ok).toBe(false);
  });

  it('"not my card" forgets the chip and waits for another card at the card step', () => {
    const rejected = run([{ type: 'cardRejected' }], run(toReview.slice(0, 3)));
    expect(rejected).toMatchObject({ step: 'card' });
    expect([rejected.chip, rejected.nik]).toEqual([undefined, undefined]);
    const other = { name: 'BUDI SANTOSO', nik: '3273011503850002' };
    expect(run([{ type: 'cardRead', chip: other }, { type: 'cardConfirmed' }], rejected)).toMatchObject({
      step: 'email',
      nik: other.nik,
      chip: other,
    });
  });

  it('back from the card step forgets the chip; back to it shows the confirmed card again', () => {
    const backAtConsent = run([{ type: 'back' }], run(toReview.slice(0, 3)));
    expect(backAtConsent.step).toBe('consent');
    expect([backAtConsent.chip, backAtConsent.nik]).toEqual([undefined, undefined]);
    const backAtCard = run([{ type: 'back' }], run(toReview.slice(0, 4)));
    expect(backAtCard).toMatchObject({ step: 'card', chip });
    expect(run([{ type: 'cardConfirmed' }], backAtCard).step).toBe('email');
  });

  it('edits a field from the review and returns to the review, not to the next field', () => {
    const editing = run([{ type: 'edit', field: 'email' }], run(toReview));
    expect(editing).toMatchObject({ step: 'email', returnToReview: true });
    const back = run([{ type: 'emailAccepted', email: 'siti@contoh.co.id' }], editing);
    expect(back).toMatchObject({ step: 'review', returnToReview: false, email: 'siti@contoh.co.id', phone: '+6281234567890' });
    // "Back" while editing also returns to the review.
    expect(run([{ type: 'edit', field: 'phone' }, { type: 'back' }], run(toReview)).step).toBe('review');
  });

  it('goes back one step at a time until the language step', () => {
    let state = run(toReview);
    const seen: string[] = [state.step];
    while (transition(state, { type: 'back' }).ok) {
      state = run([{ type: 'back' }], state);
      seen.push(state.step);
    }
    expect(seen).toEqual(['review', 'phone', 'email', 'card', 'consent', 'language']);
  });

  it('keeps its invariants under any sequence of events (property)', () => {
    const event: fc.Arbitrary<JourneyEvent> = fc.oneof(
      fc.constantFrom<JourneyEvent>(
        { type: 'acceptConsent' },
        { type: 'back' },
        { type: 'confirmReview' },
        { type: 'cardRead', chip },
        { type: 'cardConfirmed' },
        { type: 'cardRejected' },
        { type: 'faceVerified' },
        { type: 'saved' },
        { type: 'signedOff' },
        { type: 'emailAccepted', email: 'a@b.id' },
        { type: 'phoneAccepted', phone: '+6281234567890' },
      ),
      fc.constantFrom(...referralReasons).map((reason) => ({ type: 'refer', referral: { reason } }) as JourneyEvent),
      fc.constantFrom('id', 'en').map((language) => ({ type: 'chooseLanguage', language }) as JourneyEvent),
      fc.constantFrom('id', 'en').map((language) => ({ type: 'setLanguage', language }) as JourneyEvent),
      fc.constantFrom('email', 'phone').map((field) => ({ type: 'edit', field }) as JourneyEvent),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        let state = initialJourney();
        for (const e of events) {
          const wasReferred = state.step === 'referred';
          const next = transition(state, e);
          if (next.ok) state = next.state;
          expect(journeySteps).toContain(state.step);
          // The end is the end: once referred, always referred, with its reason and nothing of the citizen's.
          if (wasReferred) expect(state.step).toBe('referred');
          expect(state.referral !== undefined).toBe(state.step === 'referred');
          if (state.step === 'referred')
            expect([state.nik, state.email, state.phone, state.chip]).toEqual([undefined, undefined, undefined, undefined]);
          const pastReview = ['face', 'signoff', 'done'].includes(state.step);
          if (pastReview) expect(state.consentAccepted && state.nik && state.email && state.phone).toBeTruthy();
          // Past the card step the journey has a confirmed card: the chip, and its NIK as the journey's.
          if (['email', 'phone', 'review', 'face', 'saving', 'signoff', 'done'].includes(state.step))
            expect(state.nik).toBe(state.chip?.nik);
          if (['card', 'email', 'phone', 'review'].includes(state.step)) expect(state.consentAccepted).toBe(true);
        }
      }),
    );
  });
});

/** The events that bring a fresh journey to `step` (signoff and done through the face step's verdict). */
const toCard: JourneyEvent[] = toReview.slice(0, 2);
const toFace: JourneyEvent[] = [...toReview, { type: 'confirmReview' }];
const toSaving: JourneyEvent[] = [...toFace, { type: 'faceVerified' }];
const toSignoff: JourneyEvent[] = [...toSaving, { type: 'saved' }];
const walkTo: Record<Exclude<JourneyStep, 'referred'>, JourneyEvent[]> = {
  language: [],
  consent: [{ type: 'chooseLanguage', language: 'id' }],
  card: toCard,
  email: toReview.slice(0, 4),
  phone: toReview.slice(0, 5),
  review: toReview,
  face: toFace,
  saving: toSaving,
  signoff: toSignoff,
  done: [...toSignoff, { type: 'signedOff' }],
};
const pathSteps = Object.keys(walkTo) as Array<keyof typeof walkTo>;

/** Every event the machine knows, with a plausible payload. */
const everyEvent: JourneyEvent[] = [
  { type: 'chooseLanguage', language: 'en' },
  { type: 'acceptConsent' },
  { type: 'emailAccepted', email: 'a@b.id' },
  { type: 'phoneAccepted', phone: '+6281234567890' },
  ...(['email', 'phone'] as const).map((field): JourneyEvent => ({ type: 'edit', field })),
  { type: 'back' },
  { type: 'confirmReview' },
  { type: 'cardRead', chip },
  { type: 'cardConfirmed' },
  { type: 'cardRejected' },
  { type: 'faceVerified' },
  { type: 'saved' },
  { type: 'signedOff' },
  ...referralReasons.map((reason): JourneyEvent => ({ type: 'refer', referral: { reason } })),
];

describe('referral to the service desk', () => {
  it.each(referralReasons)('%s is reached from its own step, and from no other', (reason: ReferralReason) => {
    const from = referralSteps[reason];
    for (const step of pathSteps) {
      const at = run(walkTo[step]);
      expect(at.step).toBe(step);
      const referred = transition(at, { type: 'refer', referral: { reason, code: 'TECH_CODE' } });
      if (step !== from) {
        expect(referred, `${reason} from ${step}`).toEqual({ ok: false, from: step, event: 'refer' });
        continue;
      }
      expect(referred).toEqual({
        ok: true,
        state: {
          step: 'referred',
          language: at.language,
          consentAccepted: step !== 'consent',
          returnToReview: false,
          referral: { reason, code: 'TECH_CODE' },
        },
      });
    }
  });

  it('every reason belongs to a step the journey really has', () => {
    expect(referralReasons.length).toBeGreaterThan(0);
    for (const reason of referralReasons) expect(pathSteps).toContain(referralSteps[reason]);
  });

  it.each(referralReasons)('nothing leaves the referral (%s): every event but a language switch is refused', (reason) => {
    const referred = run([...walkTo[referralSteps[reason]], { type: 'refer', referral: { reason } }]);
    for (const event of everyEvent)
      expect(transition(referred, event), event.type).toEqual({ ok: false, from: 'referred', event: event.type });
    // The citizen may switch language to read why; the journey stays where it ended.
    expect(run([{ type: 'setLanguage', language: 'en' }], referred)).toEqual({ ...referred, language: 'en' });
  });

  it('a referral forgets the values typed and read, even after going back to the card', () => {
    const backAtCard = run([...toReview, { type: 'back' }, { type: 'back' }, { type: 'back' }]);
    expect(backAtCard).toMatchObject({ step: 'card', nik: '3174054208900001', chip, email: 'a@b.id' });
    const referred = run([{ type: 'refer', referral: { reason: 'card-not-confirmed' } }], backAtCard);
    expect(referred).toEqual({
      step: 'referred',
      language: 'en',
      consentAccepted: true,
      returnToReview: false,
      referral: { reason: 'card-not-confirmed' },
    });
  });

  it('the contract carries the referral with the referred step, and only with it', () => {
    const snapshot = {
      sessionId: 'abc',
      step: 'referred',
      language: 'id',
      consentAccepted: true,
      returnToReview: false,
      cardAttemptsLeft: 0,
      faceAttemptsLeft: 3,
      faceCaptured: false,
      faceMatchesLeft: 2,
      expiresInSec: 100,
    };
    for (const reason of referralReasons) expect(sessionSnapshotSchema.safeParse({ ...snapshot, referral: { reason } }).success).toBe(true);
    expect(sessionSnapshotSchema.safeParse({ ...snapshot, referral: { reason: 'card-not-confirmed', code: 'SAM_LOCKED' } }).success).toBe(
      true,
    );
    expect(sessionSnapshotSchema.safeParse(snapshot).success).toBe(false); // referred without a reason
    expect(sessionSnapshotSchema.safeParse({ ...snapshot, referral: { reason: 'tired' } }).success).toBe(false);
    expect(sessionSnapshotSchema.safeParse({ ...snapshot, referral: { reason: 'face-failed', code: 'not a code' } }).success).toBe(false);
    expect(sessionSnapshotSchema.safeParse({ ...snapshot, step: 'card', referral: { reason: 'card-not-confirmed' } }).success).toBe(false);
  });
});
