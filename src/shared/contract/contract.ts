// The booth contract: every call and event the renderer may use, each with
// the schema its receiver checks. Both transports (Electron IPC and the
// headless host's WebSocket) carry exactly this and nothing else.
import { z } from 'zod';
import { challengeSchema, faceCaptureParamsSchema } from './faceSchemas';
import { faceSetupSchema } from '../face/settings';
import { boothInfoSchema, cardStageSchema, editableStepSchema, emptyParams, languageSchema, sessionSnapshotSchema, wipeReasonSchema } from './schemas';

const snapshot = sessionSnapshotSchema;

function call<P extends z.ZodType, R extends z.ZodType>(params: P, result: R) {
  return { params, result };
}

export const calls = {
  'booth.info': call(emptyParams, boothInfoSchema),

  'session.start': call(z.object({ language: languageSchema.optional() }).strict(), snapshot),
  'session.get': call(emptyParams, snapshot.nullable()),
  'session.chooseLanguage': call(z.object({ language: languageSchema }).strict(), snapshot),
  'session.setLanguage': call(z.object({ language: languageSchema }).strict(), snapshot),
  'session.acceptConsent': call(z.object({ consentVersion: z.string().min(1).max(32) }).strict(), snapshot),
  'session.declineConsent': call(emptyParams, z.null()),
  // Caps are loose on purpose: the core answers a specific INVALID_* reason
  // for a wrong value, while a payload past the cap is a BAD_REQUEST.
  'session.submitNik': call(z.object({ nik: z.string().max(64) }).strict(), snapshot),
  'session.submitEmail': call(z.object({ email: z.string().max(512) }).strict(), snapshot),
  'session.submitPhone': call(z.object({ phone: z.string().max(64) }).strict(), snapshot),
  'session.edit': call(z.object({ field: editableStepSchema }).strict(), snapshot),
  'session.back': call(emptyParams, snapshot),
  'session.confirmReview': call(emptyParams, snapshot),
  'session.keepAlive': call(emptyParams, snapshot),
  'session.wipe': call(z.object({ reason: wipeReasonSchema }).strict(), z.object({ wiped: z.boolean() })),

  /** Reads the e-KTP on the reader and matches it to the typed NIK (CARD_FAILED with a reason when not). */
  'card.read': call(emptyParams, snapshot),
  /** The citizen confirms the name and masked NIK shown from the chip. */
  'card.confirm': call(emptyParams, snapshot),
  /** Camera, thresholds and model paths for the face step; STEP_UNAVAILABLE (reason MODEL_MISSING, MODEL_TAMPERED or NO_CAMERA) when it cannot run. */
  'face.setup': call(emptyParams, faceSetupSchema),
  /** A fresh random liveness challenge; each uses one attempt (FACE_FAILED ATTEMPTS_EXHAUSTED after the last). */
  'face.beginChallenge': call(emptyParams, z.object({ challenge: challengeSchema, attemptsLeft: z.int().min(0) }).strict()),
  /** The frames that passed quality and the challenge's trace; the core replays the trace before keeping the pictures. */
  'face.submitCapture': call(faceCaptureParamsSchema, snapshot),
  // Later steps. Until their capability is built they answer STEP_UNAVAILABLE.
  'face.verify': call(emptyParams, snapshot),
  'signoff.request': call(emptyParams, snapshot),
} as const;

export const events = {
  /** The session moved (any step, language or data change); null once wiped. */
  'session.changed': snapshot.nullable(),
  /** The core wiped the session on its own (hard idle expiry). */
  'session.wiped': z.object({ reason: wipeReasonSchema }).strict(),
  /** How far a card read is, for the progress bar. */
  'card.progress': z.object({ stage: cardStageSchema, fraction: z.number().min(0).max(1) }).strict(),
} as const;

export type Calls = typeof calls;
export type Method = keyof Calls;
export type Events = typeof events;
export type EventName = keyof Events;

export type ParamsOf<M extends Method> = z.input<Calls[M]['params']>;
export type CheckedParamsOf<M extends Method> = z.output<Calls[M]['params']>;
export type ValueOf<M extends Method> = z.output<Calls[M]['result']>;
export type PayloadOf<E extends EventName> = z.output<Events[E]>;

export const methods = Object.keys(calls) as Method[];
export const eventNames = Object.keys(events) as EventName[];

export function isMethod(name: string): name is Method {
  return Object.hasOwn(calls, name);
}

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}
