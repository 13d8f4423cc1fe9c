// The citizen's journey as one explicit state machine. The core owns the live
// state (it holds the data); the renderer only draws the step it is told.
// Attract is the absence of a session, so it is not a step here. The journey
// can end early at 'referred': the citizen is sent to the service desk, for a
// reason the machine types and ties to the step it may come from.

export const languages = ['id', 'en'] as const;
export type Language = (typeof languages)[number];

/** Steps in the order a citizen meets them on the way to activation. */
export const journeyPath = ['language', 'consent', 'card', 'email', 'phone', 'review', 'face', 'saving', 'signoff', 'done'] as const;
/** Every step: the path, and 'referred', where the journey ends early at the Dukcapil service desk. */
export const journeySteps = [...journeyPath, 'referred'] as const;
export type JourneyStep = (typeof journeySteps)[number];

/**
 * Why the journey ended at the service desk rather than at this booth, and
 * the one step each reason may come from. The step modules of the core
 * decide when their rule is met (e.g. the card step after the last
 * attempt); the screen only words the reason.
 */
export const referralSteps = {
  /** The citizen did not agree to the use of their data (IKD can still be activated at the desk). */
  'consent-declined': 'consent',
  /** The citizen said the card read was not theirs, on the last card attempt. */
  'card-not-confirmed': 'card',
  /** The chip could not be read (unreadable, oversized or endless answers, a NIK that is no NIK), on the last card attempt. */
  'card-unreadable': 'card',
  /** The SAM and the chip did not authenticate each other, on the last card attempt. */
  'card-not-genuine': 'card',
  /** This booth cannot read any card (no reader configured, or its SAM refuses the booth). */
  'card-reader-unavailable': 'card',
  /** This booth cannot run the face check (no camera, models refused, camera or face models failed on the screen). */
  'face-unavailable': 'face',
  /** No liveness attempt is left. */
  'face-failed': 'face',
  /** The face was captured, but this booth cannot match it to the chip photo now (matcher out of service, chip photo unusable). */
  'face-match-unavailable': 'face',
  /** The live face did not match the chip photo, and no match attempt is left. */
  'face-not-matched': 'face',
  /**
   * The matched enrollment could not be stored in this booth's vault (disk full, disk error, vault out of service): nothing of
   * it is kept, and the desk enrolls the citizen.
   */
  'enrollment-not-saved': 'saving',
  /** This booth cannot show a sign-off code (it cannot sign: its vault is out of service). */
  'signoff-unavailable': 'signoff',
  /** The officer looked at the evidence and did not approve; the code is the officer's reason (e.g. face-mismatch). */
  'signoff-rejected': 'signoff',
} as const satisfies Record<string, JourneyStep>;
export type ReferralReason = keyof typeof referralSteps;
export const referralReasons = Object.keys(referralSteps) as ReferralReason[];

export interface Referral {
  reason: ReferralReason;
  /** What exactly failed, for the technician (e.g. NO_CAMERA, SAM_LOCKED); never personal data. */
  code?: string;
  /**
   * A short reference the citizen shows at the desk (e.g. 7KQ2-M9XD): the core makes it when it refers the citizen and logs
   * it with the reason, so the desk (or a technician) can find this visit in the booth's log. It holds no personal data.
   */
  reference?: string;
}

/** Steps whose value the review screen lets the citizen change (the NIK and name come from the chip, which is not typed). */
export const editableSteps = ['email', 'phone'] as const;
export type EditableStep = (typeof editableSteps)[number];

export interface JourneyState {
  step: JourneyStep;
  language: Language;
  consentAccepted: boolean;
  /** The chip's NIK, once the citizen confirmed the card is theirs. */
  nik?: string;
  /** Lower-cased address. */
  email?: string;
  /** E.164, e.g. +6281234567890. */
  phone?: string;
  /** Set while a field is edited from the review: finishing it returns there. */
  returnToReview: boolean;
  /** What the e-KTP chip said, once read (the full readout, photo included, stays in the core). */
  chip?: ChipSummary;
  /** Set, and only set, at the 'referred' step. */
  referral?: Referral;
}

export interface ChipSummary {
  name: string;
  /** The chip's NIK (16 digits), for the citizen to check that the card is theirs. */
  nik: string;
}

export type JourneyEvent =
  | { type: 'chooseLanguage'; language: Language }
  | { type: 'setLanguage'; language: Language }
  | { type: 'acceptConsent' }
  | { type: 'emailAccepted'; email: string }
  | { type: 'phoneAccepted'; phone: string }
  | { type: 'edit'; field: EditableStep }
  | { type: 'back' }
  | { type: 'confirmReview' }
  | { type: 'cardRead'; chip: ChipSummary }
  | { type: 'cardConfirmed' }
  | { type: 'cardRejected' }
  | { type: 'faceVerified' }
  | { type: 'saved' }
  | { type: 'signedOff' }
  | { type: 'refer'; referral: Referral };

export type Transition = { ok: true; state: JourneyState } | { ok: false; from: JourneyStep; event: JourneyEvent['type'] };

export function initialJourney(language: Language = 'id'): JourneyState {
  return { step: 'language', language, consentAccepted: false, returnToReview: false };
}

const previousStep: Partial<Record<JourneyStep, JourneyStep>> = {
  consent: 'language',
  card: 'consent',
  email: 'card',
  phone: 'email',
  review: 'phone',
};

/** Applies one event; an event that does not belong to the current step is refused. */
export function transition(state: JourneyState, event: JourneyEvent): Transition {
  const refuse: Transition = { ok: false, from: state.step, event: event.type };
  const go = (patch: Partial<JourneyState>): Transition => ({ ok: true, state: { ...state, ...patch } });
  const afterField = (next: JourneyStep): JourneyStep => (state.returnToReview ? 'review' : next);

  // The end: nothing leaves it. Only the language may change, so the citizen can read why; the session's wipe ends it.
  if (state.step === 'referred' && event.type !== 'setLanguage') return refuse;

  switch (event.type) {
    case 'setLanguage':
      return go({ language: event.language });
    case 'chooseLanguage':
      return state.step === 'language' ? go({ language: event.language, step: 'consent' }) : refuse;
    case 'acceptConsent':
      return state.step === 'consent' ? go({ consentAccepted: true, step: 'card' }) : refuse;
    case 'emailAccepted':
      return state.step === 'email' ? go({ email: event.email, step: afterField('phone'), returnToReview: false }) : refuse;
    case 'phoneAccepted':
      return state.step === 'phone' ? go({ phone: event.phone, step: 'review', returnToReview: false }) : refuse;
    case 'edit':
      return state.step === 'review' ? go({ step: event.field, returnToReview: true }) : refuse;
    case 'back': {
      if (state.returnToReview) return go({ step: 'review', returnToReview: false });
      const previous = previousStep[state.step];
      if (!previous) return refuse;
      // Back from the card step forgets the chip (a card is read again); back to it shows the confirmed card again.
      return state.step === 'card' ? go({ step: previous, chip: undefined, nik: undefined }) : go({ step: previous });
    }
    case 'confirmReview':
      return state.step === 'review' && hasAllFields(state) ? go({ step: 'face' }) : refuse;
    case 'cardRead':
      return state.step === 'card' && !state.chip ? go({ chip: event.chip }) : refuse;
    case 'cardConfirmed':
      return state.step === 'card' && state.chip ? go({ nik: state.chip.nik, step: 'email' }) : refuse;
    case 'cardRejected':
      return state.step === 'card' && state.chip ? go({ chip: undefined, nik: undefined }) : refuse;
    case 'faceVerified':
      return state.step === 'face' ? go({ step: 'saving' }) : refuse;
    case 'saved':
      return state.step === 'saving' ? go({ step: 'signoff' }) : refuse;
    case 'signedOff':
      return state.step === 'signoff' ? go({ step: 'done' }) : refuse;
    case 'refer':
      // A referred journey keeps only its language and reason: the values typed and read are of no more use here.
      return state.step === referralSteps[event.referral.reason]
        ? {
            ok: true,
            state: {
              step: 'referred',
              language: state.language,
              consentAccepted: state.consentAccepted,
              returnToReview: false,
              referral: event.referral,
            },
          }
        : refuse;
  }
}

function hasAllFields(state: JourneyState): boolean {
  return state.consentAccepted && !!state.nik && !!state.email && !!state.phone;
}
