import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialJourney, journeySteps, transition, type JourneyEvent, type JourneyState } from '../../src/shared/journey/machine';

function run(events: JourneyEvent[], state: JourneyState = initialJourney()): JourneyState {
  return events.reduce((current, event) => {
    const next = transition(current, event);
    if (!next.ok) throw new Error(`refused ${event.type} at ${current.step}`);
    return next.state;
  }, state);
}

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
      fc.constantFrom('id', 'en').map((language) => ({ type: 'chooseLanguage', language }) as JourneyEvent),
      fc.constantFrom('id', 'en').map((language) => ({ type: 'setLanguage', language }) as JourneyEvent),
      fc.constantFrom('nik', 'email', 'phone').map((field) => ({ type: 'edit', field }) as JourneyEvent),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        let state = initialJourney();
        for (const e of events) {
          const next = transition(state, e);
          if (next.ok) state = next.state;
          expect(journeySteps).toContain(state.step);
          const pastReview = ['card', 'face', 'signoff', 'done'].includes(state.step);
          if (pastReview) expect(state.consentAccepted && state.nik && state.email && state.phone).toBeTruthy();
          if (['face', 'signoff', 'done'].includes(state.step)) expect(state.chip).toBeDefined();
          if (['nik', 'email', 'phone', 'review'].includes(state.step)) expect(state.consentAccepted).toBe(true);
        }
      }),
    );
  });
});
