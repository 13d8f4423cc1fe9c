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

const chip = { name: 'SITI RAHMAWATI', nikMasked: '31************01' };

const toReview: JourneyEvent[] = [
  { type: 'chooseLanguage', language: 'en' },
  { type: 'acceptConsent' },
  { type: 'nikAccepted', nik: '3174054208900001' },
  { type: 'emailAccepted', email: 'a@b.id' },
  { type: 'phoneAccepted', phone: '+6281234567890' },
];

describe('journey machine', () => {
  it('walks language → consent → NIK → email → phone → review → card → face → sign-off → done', () => {
    const review = run(toReview);
    expect(review).toMatchObject({ step: 'review', language: 'en', consentAccepted: true, nik: '3174054208900001' });
    const chip = { name: 'SITI RAHMAWATI', nikMasked: '31************01' };
    const read = run([{ type: 'confirmReview' }, { type: 'cardRead', chip }], review);
    expect(read).toMatchObject({ step: 'card', chip });
    const done = run([{ type: 'cardConfirmed' }, { type: 'faceVerified' }, { type: 'signedOff' }], read);
    expect(done.step).toBe('done');
  });

  it('refuses an event that does not belong to the step', () => {
    expect(transition(initialJourney(), { type: 'nikAccepted', nik: 'x' })).toEqual({ ok: false, from: 'language', event: 'nikAccepted' });
    expect(transition(initialJourney(), { type: 'confirmReview' }).ok).toBe(false);
    const chip = { name: 'X', nikMasked: '31************01' };
    expect(transition(run(toReview), { type: 'cardRead', chip }).ok).toBe(false);
    const atCard = run([{ type: 'confirmReview' }], run(toReview));
    expect(transition(atCard, { type: 'cardConfirmed' }).ok).toBe(false); // nothing read yet
    // Back from the card step to the review forgets the chip.
    expect(run([{ type: 'cardRead', chip }, { type: 'back' }], atCard)).toMatchObject({ step: 'review', chip: undefined });
  });

  it('edits a field from the review and returns to the review, not to the next field', () => {
    const editing = run([{ type: 'edit', field: 'nik' }], run(toReview));
    expect(editing).toMatchObject({ step: 'nik', returnToReview: true });
    const back = run([{ type: 'nikAccepted', nik: '3273011503850002' }], editing);
    expect(back).toMatchObject({ step: 'review', returnToReview: false, nik: '3273011503850002', email: 'a@b.id' });
    // "Back" while editing also returns to the review.
    expect(run([{ type: 'edit', field: 'email' }, { type: 'back' }], run(toReview)).step).toBe('review');
  });

  it('goes back one step at a time until the language step', () => {
    let state = run(toReview);
    const seen: string[] = [state.step];
    while (transition(state, { type: 'back' }).ok) {
      state = run([{ type: 'back' }], state);
      seen.push(state.step);
    }
    expect(seen).toEqual(['review', 'phone', 'email', 'nik', 'consent', 'language']);
  });

  it('keeps its invariants under any sequence of events (property)', () => {
    const event: fc.Arbitrary<JourneyEvent> = fc.oneof(
      fc.constantFrom<JourneyEvent>(
        { type: 'acceptConsent' },
        { type: 'back' },
        { type: 'confirmReview' },
        { type: 'cardRead', chip: { name: 'X', nikMasked: '31************01' } },
        { type: 'cardConfirmed' },
        { type: 'faceVerified' },
        { type: 'signedOff' },
        { type: 'nikAccepted', nik: '3174054208900001' },
        { type: 'emailAccepted', email: 'a@b.id' },
        { type: 'phoneAccepted', phone: '+6281234567890' },
      ),
      fc.constantFrom(...referralReasons).map((reason) => ({ type: 'refer', referral: { reason } }) as JourneyEvent),
      fc.constantFrom('id', 'en').map((language) => ({ type: 'chooseLanguage', language }) as JourneyEvent),
      fc.constantFrom('id', 'en').map((language) => ({ type: 'setLanguage', language }) as JourneyEvent),
      fc.constantFrom('nik', 'email', 'phone').map((field) => ({ type: 'edit', field }) as JourneyEvent),
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
          const pastReview = ['card', 'face', 'signoff', 'done'].includes(state.step);
          if (pastReview) expect(state.consentAccepted && state.nik && state.email && state.phone).toBeTruthy();
          if (['face', 'signoff', 'done'].includes(state.step)) expect(state.chip).toBeDefined();
          if (['nik', 'email', 'phone', 'review'].includes(state.step)) expect(state.consentAccepted).toBe(true);
        }
      }),
    );
  });
});

/** The events that bring a fresh journey to `step` (signoff and done through the face step's verdict). */
const toCard: JourneyEvent[] = [...toReview, { type: 'confirmReview' }];
const toFace: JourneyEvent[] = [...toCard, { type: 'cardRead', chip }, { type: 'cardConfirmed' }];
const toSignoff: JourneyEvent[] = [...toFace, { type: 'faceVerified' }];
const walkTo: Record<Exclude<JourneyStep, 'referred'>, JourneyEvent[]> = {
  language: [],
  consent: [{ type: 'chooseLanguage', language: 'id' }],
  nik: toReview.slice(0, 2),
  email: toReview.slice(0, 3),
  phone: toReview.slice(0, 4),
  review: toReview,
  card: toCard,
  face: toFace,
  signoff: toSignoff,
  done: [...toSignoff, { type: 'signedOff' }],
};
const pathSteps = Object.keys(walkTo) as Array<keyof typeof walkTo>;

/** Every event the machine knows, with a plausible payload. */
const everyEvent: JourneyEvent[] = [
  { type: 'chooseLanguage', language: 'en' },
  { type: 'acceptConsent' },
  { type: 'nikAccepted', nik: '3174054208900001' },
  { type: 'emailAccepted', email: 'a@b.id' },
  { type: 'phoneAccepted', phone: '+6281234567890' },
  ...(['nik', 'email', 'phone'] as const).map((field): JourneyEvent => ({ type: 'edit', field })),
  { type: 'back' },
  { type: 'confirmReview' },
  { type: 'cardRead', chip },
  { type: 'cardConfirmed' },
  { type: 'faceVerified' },
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

  it('a referral forgets the values typed and read, even from the review after an edit', () => {
    const editing = run([...walkTo.card, { type: 'cardRead', chip }]);
    expect(editing).toMatchObject({ nik: '3174054208900001', chip });
    const referred = run([{ type: 'refer', referral: { reason: 'nik-mismatch' } }], editing);
    expect(referred).toEqual({
      step: 'referred',
      language: 'en',
      consentAccepted: true,
      returnToReview: false,
      referral: { reason: 'nik-mismatch' },
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
      expiresInSec: 100,
    };
    for (const reason of referralReasons) expect(sessionSnapshotSchema.safeParse({ ...snapshot, referral: { reason } }).success).toBe(true);
    expect(sessionSnapshotSchema.safeParse({ ...snapshot, referral: { reason: 'nik-mismatch', code: 'SAM_LOCKED' } }).success).toBe(true);
    expect(sessionSnapshotSchema.safeParse(snapshot).success).toBe(false); // referred without a reason
    expect(sessionSnapshotSchema.safeParse({ ...snapshot, referral: { reason: 'tired' } }).success).toBe(false);
    expect(sessionSnapshotSchema.safeParse({ ...snapshot, referral: { reason: 'face-failed', code: 'not a code' } }).success).toBe(false);
    expect(sessionSnapshotSchema.safeParse({ ...snapshot, step: 'card', referral: { reason: 'nik-mismatch' } }).success).toBe(false);
  });
});
