// The reasons the citizen contract's failures carry, in families the
// methods' declarations share (contract.ts). The core answers them and the
// screens switch over them, so the lists live here, where both can see them.
import { livenessFailures } from '../face/liveness';
import { approvalFailures } from '../signoff/approval';

/**
 * How reading an e-KTP can fail: every card driver and parser turns what went wrong into one of these (the core's CardError,
 * src/core/card/errors.ts, which also holds the advice for technicians).
 */
export const cardErrorCodes = [
  'NO_READER', // no reader (or pcscd / the module) is there
  'NO_CARD', // nothing on the reader
  'SAM_MISSING', // the reader has no SAM, or it does not answer
  'SAM_LOCKED', // the SAM refuses to unlock (wrong PCID/CONF, or blocked)
  'NOT_EKTP', // a card, but not an e-KTP
  'UNREADABLE_CARD', // a card lies on the reader, but it cannot be powered or does not answer as a card should
  'AUTH_FAILED', // card and SAM did not authenticate each other
  'CARD_REMOVED', // the card left the field mid-read
  'TIMEOUT', // the reader or card stopped answering
  'MALFORMED', // an answer that breaks the protocol (length, status, record)
  'TOO_LARGE', // an answer beyond the caps (photo size, file length)
  'ENDLESS_MORE_DATA', // the card kept answering "more data" (61 xx) without end
  'CANCELLED', // the booth stopped the read: the citizen went back or cancelled, or the booth shut down
] as const;
export type CardErrorCode = (typeof cardErrorCodes)[number];

/** CARD_FAILED's reasons: a failed read, or a chip whose NIK is no valid NIK (a damaged or forged chip). */
export const cardReadReasons = [...cardErrorCodes, 'NIK_INVALID'] as const;
export type CardReadReason = (typeof cardReadReasons)[number];

/** BUSY's reason from card.read: a read cut short still holds the reader. */
export const STILL_READING = 'STILL_READING';

/** STEP_UNAVAILABLE's reasons at the face step: what the booth lacks to run it. */
export const faceUnavailableReasons = [
  'NO_CAMERA',
  'MODEL_MISSING',
  'MODEL_TAMPERED',
  // The face matcher failed its known-answer self-test at start (or its worker was given up): no face is matched on this booth.
  'MATCHER_OUT_OF_SERVICE',
] as const;
export type FaceUnavailableReason = (typeof faceUnavailableReasons)[number];

/** FACE_FAILED's reasons from face.verify: the face did not match, a live picture could not be used, the matcher failed this once. */
export const faceVerifyFailures = ['NOT_CAPTURED', 'VERIFY_IN_PROGRESS', 'NO_MATCH', 'LIVE_FACE_UNUSABLE', 'MATCH_RETRY'] as const;

/**
 * FACE_FAILED's reasons when the core's own look at a capture's pictures refused it: the action pictures do not fit the
 * trace (BAD_EVIDENCE: wrong count, order or time), a picture does not show its action (ACTION_NOT_SHOWN) or the pictures
 * are not all one person (NOT_ONE_PERSON); CHECK_RETRY: the check itself failed this once (the attempt is given back).
 */
export const captureEvidenceFailures = ['BAD_EVIDENCE', 'ACTION_NOT_SHOWN', 'NOT_ONE_PERSON', 'CHECK_RETRY'] as const;
export type CaptureEvidenceFailure = (typeof captureEvidenceFailures)[number];

/** FACE_FAILED's reason when the liveness judge refused the trace: LIVENESS_ and the judge's failure. */
export const livenessReasons = livenessFailures.map((failure) => `LIVENESS_${failure}` as const);

/**
 * STEP_UNAVAILABLE's reasons at the sign-off step: the booth has no signing key (its vault is out of service), or no stored
 * enrollment of this session to sign off (a bug: the journey reaches sign-off only through a stored enrollment).
 */
export const signoffUnavailableReasons = ['NO_BOOTH_KEY', 'NO_ENROLLMENT'] as const;

/** APPROVAL_REFUSED's reasons: why the booth refused an officer's approval QR (src/shared/signoff/approval.ts). */
export const approvalRefusals = approvalFailures;
