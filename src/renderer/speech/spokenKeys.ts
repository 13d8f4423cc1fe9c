// Everything the booth says aloud, by catalogue key, in one place. The voice
// generator (npm run voice) makes audio for exactly these keys in both
// languages, and a unit test fails when one lacks audio of its current text.
// StepFrame's `instruction` is typed over `screenSpeech`, so a screen with a
// new instruction does not compile until it says here what it speaks.
import { guidancePrompts } from '../../shared/face/quality';
import { livenessActions, livenessFailures } from '../../shared/face/liveness';
import { isMessageKey, type MessageKey } from '../i18n';
import { referralMessages } from '../screens/ReferralScreen';
import { cardProblemReasons, spokenCardProblemKey } from '../screens/cardProblem';

/** Each screen's main instruction (its heading), and what is said when the screen appears: the heading, then its hint. */
export const screenSpeech = {
  'language.title': ['language.title'],
  'consent.title': ['consent.title', 'consent.intro'],
  'email.title': ['email.title', 'email.hint'],
  'email.confirmTitle': ['email.confirmTitle', 'email.confirmHint'],
  // Not the hint: its example numbers take 20 s to say.
  'phone.title': ['phone.title'],
  'review.title': ['review.title', 'review.hint'],
  'card.place.title': ['card.place.title', 'card.place.hint'],
  'card.reading.title': ['card.reading.title', 'card.reading.hint'],
  'card.confirm.title': ['card.confirm.title', 'card.confirm.hint'],
  // The failure itself follows as the screen's detail (spokenCardProblemKey).
  'card.failed.title': ['card.failed.title'],
  'face.title': ['face.title', 'face.hint'],
  'face.failed.title': ['face.failed.title'],
  'face.verifying.title': ['face.verifying.title', 'face.verifying.body'],
  // The reason follows as the screen's detail.
  'face.noMatch.title': ['face.noMatch.title'],
  // The actions of this challenge, in its order, follow as the screen's detail.
  'face.briefing.title': ['face.briefing.title', 'speech.face.briefing.intro'],
  'saving.title': ['saving.title', 'saving.body'],
  'signoff.title': ['signoff.title', 'signoff.hint'],
  'done.title': ['done.title', 'speech.done.body'],
  'common.error.generic': ['common.error.generic'],
  'referral.title': ['referral.title'],
} as const satisfies Record<string, readonly [MessageKey, ...MessageKey[]]>;

/** A key StepFrame accepts as a screen's instruction. */
export type InstructionKey = keyof typeof screenSpeech;

/** Screens shown before a language is chosen: said in Bahasa Indonesia, then in English. */
export const bilingualInstructions: ReadonlySet<InstructionKey> = new Set(['language.title']);

/** The welcome screen (always both languages): after a session, that the data is erased; then how to start. */
export const attractSpeech = ['attract.erased', 'attract.title', 'attract.start'] as const satisfies readonly MessageKey[];

/** The out-of-service screens (both languages): the title, then the body for the reason. */
export const offlineSpeech = [
  'offline.title',
  'offline.body',
  'offline.inUseBody',
  'offline.outOfServiceBody',
  'offline.notAdmittingBody',
] as const;

/** The idle warning says its spoken body, without the countdown the screen shows. */
export const idleSpeech = ['idle.title', 'speech.idle.body'] as const satisfies readonly MessageKey[];

/** What the card step says after a failed read: each reason's words, in their spoken form where the shown one has a number. */
export const cardSpeech: readonly MessageKey[] = [...new Set(cardProblemReasons.map(spokenCardProblemKey))];

export const cancelSpeech = ['cancel.title', 'cancel.body'] as const satisfies readonly MessageKey[];

/** What the face step says: each guidance prompt, each challenge action, its phases, failures and camera problems. */
export const faceSpeech: readonly MessageKey[] = [
  ...guidancePrompts.map((prompt) => `face.prompt.${prompt}` as const),
  ...livenessActions.map((action) => `face.next.${action}` as const),
  ...livenessActions.map((action) => `face.action.${action}` as const),
  'face.loading',
  'face.starting.good',
  ...livenessActions.map((action) => `face.briefing.${action}` as const),
  'speech.face.briefing.ready',
  'face.failure.CHALLENGE_EXPIRED',
  'face.final',
  'face.sending',
  // A failure without words of its own (BAD_TRACE) shows, and says, face.failure.other.
  ...livenessFailures.map((failure) => `face.failure.${failure}`).filter(isMessageKey),
  // The core's own refusals of the pictures a citizen can cause (BAD_EVIDENCE and TOO_FAST only a forged call can).
  'face.failure.ACTION_NOT_SHOWN',
  'face.failure.NOT_ONE_PERSON',
  'face.failure.CHECK_RETRY',
  'face.failure.other',
  'face.failure.ATTEMPTS_EXHAUSTED',
  'face.error.NO_CAMERA',
  'face.error.CAMERA_DENIED',
  'face.error.CAMERA_BUSY',
  'face.error.other',
  'face.noMatch.NO_MATCH',
  'face.noMatch.LIVE_FACE_UNUSABLE',
  'face.matchRetry',
];

/** What the sign-off step says when the booth camera read an approval QR it refused, and when it was offline. */
export const signoffSpeech: readonly MessageKey[] = [
  'signoff.offline',
  'signoff.scan.notApproval',
  'signoff.scan.cameraProblem',
  'signoff.approval.damaged',
  'signoff.approval.NOT_CERTIFIED',
  'signoff.approval.CERTIFICATE_EXPIRED',
  'signoff.approval.BAD_SIGNATURE',
  'signoff.approval.NOT_YET_VALID',
  'signoff.approval.EXPIRED',
  'signoff.approval.OTHER_ENROLLMENT',
  'signoff.approval.REPLAYED',
];

/** Every key the booth speaks, without repeats, in a stable order. */
export const spokenKeys: readonly MessageKey[] = [
  ...new Set<MessageKey>([
    ...Object.values(screenSpeech).flat(),
    ...Object.values(referralMessages),
    'referral.erase',
    'referral.bring',
    'speech.referral.reference',
    ...attractSpeech,
    ...offlineSpeech,
    ...idleSpeech,
    ...cancelSpeech,
    ...faceSpeech,
    ...cardSpeech,
    ...signoffSpeech,
  ]),
];
