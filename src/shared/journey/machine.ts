// The citizen's journey as one explicit state machine. The core owns the live
// state (it holds the data); the renderer only draws the step it is told.
// Attract is the absence of a session, so it is not a step here.

export const languages = ['id', 'en'] as const;
export type Language = (typeof languages)[number];

/** Steps in the order a citizen meets them. */
export const journeySteps = ['language', 'consent', 'nik', 'email', 'phone', 'review', 'card', 'face', 'signoff', 'done'] as const;
export type JourneyStep = (typeof journeySteps)[number];

/** Steps whose value the review screen lets the citizen change. */
export const editableSteps = ['nik', 'email', 'phone'] as const;
export type EditableStep = (typeof editableSteps)[number];

export interface JourneyState {
  step: JourneyStep;
  language: Language;
  consentAccepted: boolean;
  nik?: string;
  /** Lower-cased address. */
  email?: string;
  /** E.164, e.g. +6281234567890. */
  phone?: string;
  /** Set while a field is edited from the review: finishing it returns there. */
  returnToReview: boolean;
  /** What the e-KTP chip said, once read and matched to the typed NIK (the full readout stays in the core). */
  chip?: ChipSummary;
}

export interface ChipSummary {
  name: string;
  /** e.g. 31************01 */
  nikMasked: string;
}

export type JourneyEvent =
  | { type: 'chooseLanguage'; language: Language }
  | { type: 'setLanguage'; language: Language }
  | { type: 'acceptConsent' }
  | { type: 'nikAccepted'; nik: string }
  | { type: 'emailAccepted'; email: string }
  | { type: 'phoneAccepted'; phone: string }
  | { type: 'edit'; field: EditableStep }
  | { type: 'back' }
  | { type: 'confirmReview' }
  | { type: 'cardRead'; chip: ChipSummary }
  | { type: 'cardConfirmed' }
  | { type: 'faceVerified' }
  | { type: 'signedOff' };

export type Transition = { ok: true; state: JourneyState } | { ok: false; from: JourneyStep; event: JourneyEvent['type'] };

export function initialJourney(language: Language = 'id'): JourneyState {
  return { step: 'language', language, consentAccepted: false, returnToReview: false };
}

const previousStep: Partial<Record<JourneyStep, JourneyStep>> = {
  consent: 'language',
  nik: 'consent',
  email: 'nik',
  phone: 'email',
  review: 'phone',
  card: 'review',
};

/** Applies one event; an event that does not belong to the current step is refused. */
export function transition(state: JourneyState, event: JourneyEvent): Transition {
  const refuse: Transition = { ok: false, from: state.step, event: event.type };
  const go = (patch: Partial<JourneyState>): Transition => ({ ok: true, state: { ...state, ...patch } });
  const afterField = (next: JourneyStep): JourneyStep => (state.returnToReview ? 'review' : next);

  switch (event.type) {
    case 'setLanguage':
      return go({ language: event.language });
    case 'chooseLanguage':
      return state.step === 'language' ? go({ language: event.language, step: 'consent' }) : refuse;
    case 'acceptConsent':
      return state.step === 'consent' ? go({ consentAccepted: true, step: 'nik' }) : refuse;
    case 'nikAccepted':
      return state.step === 'nik' ? go({ nik: event.nik, step: afterField('email'), returnToReview: false }) : refuse;
    case 'emailAccepted':
      return state.step === 'email' ? go({ email: event.email, step: afterField('phone'), returnToReview: false }) : refuse;
    case 'phoneAccepted':
      return state.step === 'phone' ? go({ phone: event.phone, step: 'review', returnToReview: false }) : refuse;
    case 'edit':
      return state.step === 'review' ? go({ step: event.field, returnToReview: true }) : refuse;
    case 'back': {
      if (state.returnToReview) return go({ step: 'review', returnToReview: false });
      const previous = previousStep[state.step];
      // Leaving the card step forgets the chip: the card is read again after any change.
      return previous ? go({ step: previous, chip: undefined }) : refuse;
    }
    case 'confirmReview':
      return state.step === 'review' && hasAllFields(state) ? go({ step: 'card' }) : refuse;
    case 'cardRead':
      return state.step === 'card' && !state.chip ? go({ chip: event.chip }) : refuse;
    case 'cardConfirmed':
      return state.step === 'card' && state.chip ? go({ step: 'face' }) : refuse;
    case 'faceVerified':
      return state.step === 'face' ? go({ step: 'signoff' }) : refuse;
    case 'signedOff':
      return state.step === 'signoff' ? go({ step: 'done' }) : refuse;
  }
}

function hasAllFields(state: JourneyState): boolean {
  return state.consentAccepted && !!state.nik && !!state.email && !!state.phone;
}
