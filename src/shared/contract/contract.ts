// The citizen contract: every call and event the renderer may use, each with
// the schema its receiver checks and the time a caller waits for it. Both
// transports (Electron IPC and the headless host's WebSocket) carry exactly
// this and nothing else. Built with the kit in define.ts, which the
// technician and officer contracts will use too.
import { z } from 'zod';
import {
  call,
  DEFAULT_CALL_TIMEOUT_MS,
  defineContract,
  type AnswerIn,
  type CheckedParamsIn,
  type FailureIn,
  type ParamsIn,
  type PayloadIn,
  type ValueIn,
} from './define';
import { challengeSchema, faceAttemptFailedParamsSchema, faceCaptureParamsSchema, screenFaceProblems } from './faceSchemas';
import { faceSetupSchema } from '../face/settings';
import { emailRejections } from '../identity/email';
import { phoneRejections } from '../identity/phone';
import {
  captureEvidenceFailures,
  cardReadReasons,
  faceUnavailableReasons,
  faceVerifyFailures,
  livenessReasons,
  approvalRefusals,
  signoffUnavailableReasons,
  STILL_READING,
} from './reasons';
import {
  admissionSchema,
  boothInfoSchema,
  cardStageSchema,
  chipPhotoSchema,
  editableStepSchema,
  emptyParams,
  helpScreenSchema,
  languageSchema,
  sessionSnapshotSchema,
  signoffTokenSchema,
  wipeReasonSchema,
} from './schemas';

const snapshot = sessionSnapshotSchema;

export { DEFAULT_CALL_TIMEOUT_MS };
/** The longest card read the configuration may allow (devices.card.readDeadlineMs); the core answers by then. */
export const MAX_CARD_READ_DEADLINE_MS = 120_000;
/** What a transport allows beyond the core's own limit: the answer still has to travel. */
const ANSWER_SLACK_MS = 5_000;

// The failures each method answers itself (every call may also meet define.ts's commonFailures).
/** No session to act on. */
const noSession = { NO_SESSION: [] } as const;
/** A journey move: no session, or not possible at the step the session is at. */
const journeyMove = { NO_SESSION: [], WRONG_STEP: [] } as const;
/** The face step's guard: the session is elsewhere, or the booth cannot run the step. */
const faceGuard = { ...journeyMove, STEP_UNAVAILABLE: faceUnavailableReasons } as const;

const citizenCalls = {
  'booth.info': call(emptyParams, boothInfoSchema),

  /**
   * OUT_OF_SERVICE VAULT_DISK_LOW or VAULT_UNAVAILABLE (common failures): the booth cannot keep a new enrollment now (too
   * little free space, or its vault cannot open), so no citizen starts (the welcome screen hears booth.admission too).
   */
  'session.start': call(z.object({ language: languageSchema.optional() }).strict(), snapshot),
  'session.get': call(emptyParams, snapshot.nullable()),
  'session.chooseLanguage': call(z.object({ language: languageSchema }).strict(), snapshot, { failures: journeyMove }),
  'session.setLanguage': call(z.object({ language: languageSchema }).strict(), snapshot, { failures: noSession }),
  /** BAD_REQUEST when the consent accepted is not the text the booth shows now. */
  'session.acceptConsent': call(z.object({ consentVersion: z.string().min(1).max(32) }).strict(), snapshot, {
    failures: { ...journeyMove, BAD_REQUEST: [] },
  }),
  /** The citizen does not agree: the journey ends, referred to the service desk (reason consent-declined). */
  'session.declineConsent': call(emptyParams, snapshot, { failures: journeyMove }),
  // Caps are loose on purpose: the core answers a specific INVALID_* reason
  // for a wrong value, while a payload past the cap is a BAD_REQUEST.
  'session.submitEmail': call(z.object({ email: z.string().max(512) }).strict(), snapshot, {
    failures: { ...journeyMove, INVALID_EMAIL: emailRejections },
  }),
  'session.submitPhone': call(z.object({ phone: z.string().max(64) }).strict(), snapshot, {
    failures: { ...journeyMove, INVALID_PHONE: phoneRejections },
  }),
  'session.edit': call(z.object({ field: editableStepSchema }).strict(), snapshot, { failures: journeyMove }),
  'session.back': call(emptyParams, snapshot, { failures: journeyMove }),
  'session.confirmReview': call(emptyParams, snapshot, { failures: journeyMove }),
  'session.keepAlive': call(emptyParams, snapshot, { failures: noSession }),
  'session.wipe': call(z.object({ reason: wipeReasonSchema }).strict(), z.object({ wiped: z.boolean() })),

  /**
   * Reads the e-KTP on the reader (the screen calls it when card.presence says a card was placed, or on "try again"): CARD_FAILED
   * with a reason when the card cannot be used; STEP_UNAVAILABLE without a reader; BUSY STILL_READING while a read cut short
   * still holds the reader. The snapshot then carries the chip's name and NIK for the citizen to confirm.
   * The core gives up at its own read deadline (TIMEOUT); the transport waits at least that long.
   */
  'card.read': call(emptyParams, snapshot, {
    timeoutMs: MAX_CARD_READ_DEADLINE_MS + ANSWER_SLACK_MS,
    failures: { ...journeyMove, STEP_UNAVAILABLE: [], CARD_FAILED: cardReadReasons, BUSY: [STILL_READING] },
  }),
  /** The citizen confirms the name and NIK shown from the chip are theirs: the journey goes on with the chip's NIK. */
  'card.confirm': call(emptyParams, snapshot, { failures: journeyMove }),
  /** "This is not my card": the readout is erased and another card may be placed; the last attempt refers the citizen. */
  'card.reject': call(emptyParams, snapshot, { failures: journeyMove }),
  /**
   * The chip's photo, for the citizen to recognise themselves while the card is shown to confirm: decoded in the core (JPEG or
   * JPEG 2000, size-capped) and encoded again as a plain JPEG, so the page never decodes what a chip sent. CARD_FAILED
   * PHOTO_UNREADABLE when the chip's photo cannot be decoded (the name and NIK can still be confirmed).
   */
  'card.photo': call(emptyParams, chipPhotoSchema, { failures: { ...journeyMove, CARD_FAILED: ['PHOTO_UNREADABLE'] } }),
  /**
   * Camera, thresholds and model paths for the face step; STEP_UNAVAILABLE (reason MODEL_MISSING, MODEL_TAMPERED, NO_CAMERA
   * or MATCHER_OUT_OF_SERVICE) when it cannot run.
   */
  'face.setup': call(emptyParams, faceSetupSchema, { failures: faceGuard }),
  /** A fresh random liveness challenge; each uses one attempt (FACE_FAILED ATTEMPTS_EXHAUSTED after the last). */
  'face.beginChallenge': call(emptyParams, z.object({ challenge: challengeSchema, attemptsLeft: z.int().min(0) }).strict(), {
    failures: { ...faceGuard, FACE_FAILED: ['ALREADY_CAPTURED', 'ATTEMPTS_EXHAUSTED'] },
  }),
  /**
   * The citizen was briefed and is in position: the challenge's clock starts now (the trace's t = 0). FACE_FAILED
   * CHALLENGE_UNKNOWN when it is not the challenge in play or already started; CHALLENGE_EXPIRED when it was issued too long ago.
   */
  'face.startChallenge': call(z.object({ challengeId: z.string().min(8).max(64) }).strict(), z.object({}).strict(), {
    failures: { ...faceGuard, FACE_FAILED: ['CHALLENGE_UNKNOWN', 'CHALLENGE_EXPIRED'] },
  }),
  /**
   * The frames that passed quality, one picture per action and the challenge's trace. The core replays the trace, checks
   * every picture's size and time against it, and then looks at the pictures with its own models (in the face-match
   * worker): each action picture must show its action and every picture the one same person (captureEvidenceFailures).
   */
  'face.submitCapture': call(faceCaptureParamsSchema, snapshot, {
    timeoutMs: 30_000,
    failures: {
      ...faceGuard,
      FACE_FAILED: [
        'CHALLENGE_UNKNOWN',
        'CHALLENGE_NOT_STARTED',
        'CHALLENGE_EXPIRED',
        ...livenessReasons,
        'BAD_IMAGE',
        ...captureEvidenceFailures,
      ],
    },
  }),
  /**
   * The challenge in play failed on the screen (the judge's verdict, or the pictures could not be encoded): the core voids it,
   * and after the last attempt refers the citizen (face-failed). FACE_FAILED CHALLENGE_UNKNOWN when it is not the one in play.
   */
  'face.attemptFailed': call(faceAttemptFailedParamsSchema, snapshot, { failures: { ...faceGuard, FACE_FAILED: ['CHALLENGE_UNKNOWN'] } }),
  /** The camera or MediaPipe cannot run on the screen: the core refers the citizen (face-unavailable, with the problem as its code). */
  'face.reportProblem': call(z.object({ problem: z.enum(screenFaceProblems) }).strict(), snapshot, { failures: faceGuard }),
  /**
   * The core matches the captured face to the chip photo (in its face-match worker) and answers when it has decided: a match
   * moves the journey on (signoff). FACE_FAILED NO_MATCH or LIVE_FACE_UNUSABLE: the capture is erased and, with match attempts
   * left (faceMatchesLeft), a new capture may be made; after the last the citizen is referred (face-not-matched). MATCH_RETRY:
   * the matcher failed this once (crashed or too slow); the capture is kept and face.verify may be asked again. A matcher out of
   * service or a chip photo without one usable face refers the citizen (face-match-unavailable).
   */
  'face.verify': call(emptyParams, snapshot, {
    timeoutMs: 70_000,
    failures: { ...journeyMove, STEP_UNAVAILABLE: [null, ...faceUnavailableReasons], FACE_FAILED: faceVerifyFailures },
  }),
  /**
   * The sign-off token to show (a QR for the officer's phone). Asked again, it answers the same token until the last 30 s of
   * its life, then a renewed one (new nonce, new expiry). Meanwhile the core listens for the officer's decision from the
   * upstream: an approval moves the journey to done, a rejection refers the citizen (signoff-rejected). STEP_UNAVAILABLE
   * NO_BOOTH_KEY: the booth cannot sign (its vault is out of service); the citizen is referred (signoff-unavailable).
   */
  'signoff.request': call(emptyParams, signoffTokenSchema, { failures: { ...journeyMove, STEP_UNAVAILABLE: signoffUnavailableReasons } }),
  /**
   * The officer's approval QR as the booth's camera read it (text as decoded): checked against the officer certificate's
   * upstream key and this enrollment's tokens, then taken like the upstream's answer. APPROVAL_REFUSED and why.
   */
  'signoff.scanApproval': call(z.object({ text: z.string().min(1).max(4000) }).strict(), snapshot, {
    failures: { ...journeyMove, STEP_UNAVAILABLE: signoffUnavailableReasons, APPROVAL_REFUSED: approvalRefusals },
  }),
  /**
   * "Call an officer" from any screen, with or without a session: logged (no personal data) and handed to the officer-call hook.
   * consoleNotified: whether an officer console was told (false until one exists; the screen shows its own sign either way).
   */
  'help.callOfficer': call(z.object({ screen: helpScreenSchema }).strict(), z.object({ consoleNotified: z.boolean() }).strict()),
} as const;

const citizenEvents = {
  /** The session moved (any step, language or data change); null once wiped. */
  'session.changed': snapshot.nullable(),
  /** The core wiped the session on its own (hard idle expiry). */
  'session.wiped': z.object({ reason: wipeReasonSchema }).strict(),
  /**
   * Whether the booth can serve a citizen: false while its core process is down (crashed and restarting, or given up). Sent to
   * every page, owner or not: it says nothing about a citizen. A session open when the core died is gone.
   */
  'booth.status': z.object({ inService: z.boolean() }).strict(),
  /**
   * Whether the booth takes a new citizen: false while its vault cannot keep an enrollment (free space under the threshold, the
   * vault out of service). Sent to every page at each change; a citizen already in a session goes on.
   */
  'booth.admission': admissionSchema,
  /**
   * While the session is at the card step: the reader is there or not, and a card lies on it or not (sent at each change, and
   * once when the step is entered).
   */
  'card.presence': z.object({ reader: z.enum(['present', 'absent']), cardPresent: z.boolean() }).strict(),
  /** How far a card read is, for the progress bar. */
  'card.progress': z.object({ stage: cardStageSchema, fraction: z.number().min(0).max(1) }).strict(),
} as const;

export const citizenContract = defineContract('citizen', { calls: citizenCalls, events: citizenEvents });
export type CitizenContract = typeof citizenContract;

export const calls = citizenContract.calls;
export const events = citizenContract.events;
export type Calls = typeof calls;
export type Method = keyof Calls;
export type Events = typeof events;
export type EventName = keyof Events;

export type ParamsOf<M extends Method> = ParamsIn<CitizenContract, M>;
export type CheckedParamsOf<M extends Method> = CheckedParamsIn<CitizenContract, M>;
export type ValueOf<M extends Method> = ValueIn<CitizenContract, M>;
/** The errors a citizen `method` may answer: its declared failures and the common ones. */
export type FailureOf<M extends Method> = FailureIn<CitizenContract, M>;
/** What a citizen `method` answers: its value or one of its errors (a handler's return type). */
export type AnswerOf<M extends Method> = AnswerIn<CitizenContract, M>;
export type PayloadOf<E extends EventName> = PayloadIn<CitizenContract, E>;

export const methods = citizenContract.methods as Method[];
export const eventNames = citizenContract.eventNames as EventName[];

/** How long a transport waits for the answer to a citizen `method`. */
export function callTimeoutMs(method: string): number {
  return citizenContract.timeoutMs(method);
}

export function isMethod(name: string): name is Method {
  return citizenContract.isMethod(name);
}

export function isEventName(name: string): name is EventName {
  return citizenContract.isEventName(name);
}
