// Runtime schemas of the values the contract carries. Every string has a
// length cap so a hostile payload cannot make the booth hold megabytes.
import { z } from 'zod';
import { cameraSettingsSchema } from '../face/settings';
import { editableSteps, journeySteps, languages, referralReasons } from '../journey/machine';

export const languageSchema = z.enum(languages);
export const journeyStepSchema = z.enum(journeySteps);
export const editableStepSchema = z.enum(editableSteps);
export const referralReasonSchema = z.enum(referralReasons);
/** Where a citizen asked for help: a journey step, or the welcome screen before any session. */
export const helpScreenSchema = z.enum([...journeySteps, 'attract']);
export type HelpScreen = z.infer<typeof helpScreenSchema>;

/** A referral's reference: 8 Crockford base32 characters in two groups (no I, L, O or U to misread). */
export const REFERENCE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/** Why the journey ended at the service desk; `code` is the technician's detail (e.g. NO_CAMERA), never personal data. */
export const referralSchema = z
  .object({
    reason: referralReasonSchema,
    code: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,39}$/)
      .optional(),
    reference: z.string().regex(REFERENCE_PATTERN).optional(),
  })
  .strict();

const snapshotFields = z.object({
  /** Opaque per-session id (random); never derived from the citizen's data. */
  sessionId: z.string().max(64),
  step: journeyStepSchema,
  language: languageSchema,
  consentAccepted: z.boolean(),
  /** The chip's NIK, once the citizen confirmed the card. */
  nik: z.string().max(16).optional(),
  email: z.string().max(254).optional(),
  phone: z.string().max(16).optional(),
  returnToReview: z.boolean(),
  /** The e-KTP read: its name and NIK, for the citizen to confirm that the card is theirs. */
  chip: z.object({ name: z.string().max(160), nik: z.string().max(16) }).optional(),
  /** Cards that may still go wrong (not the citizen's, unreadable or not confirmed genuine) before the citizen is referred. */
  cardAttemptsLeft: z.number().int().nonnegative(),
  /** Liveness challenges left in this session. */
  faceAttemptsLeft: z.number().int().nonnegative(),
  /** A capture passed quality and liveness and waits for matching. */
  faceCaptured: z.boolean(),
  /** Captures that may still be matched to the chip photo (a no-match uses one). */
  faceMatchesLeft: z.number().int().nonnegative(),
  /** Seconds until the core wipes the session if nothing happens. */
  expiresInSec: z.number().nonnegative(),
  /** At the 'referred' step (and only there): why the citizen is sent to the service desk. */
  referral: referralSchema.optional(),
});

export const sessionSnapshotSchema = snapshotFields.refine(
  (snapshot) => (snapshot.step === 'referred') === (snapshot.referral !== undefined),
  {
    message: 'A referral comes with the referred step, and only with it.',
    path: ['referral'],
  },
);
export type SessionSnapshot = z.infer<typeof sessionSnapshotSchema>;

/**
 * The chip's photo as the card step shows it: a JPEG the core made (never the chip's own bytes), as a data: URL the page's
 * content security policy allows for images. An e-KTP photo is about 300 × 400; the cap leaves a wide margin.
 */
export const chipPhotoSchema = z
  .object({
    dataUrl: z
      .string()
      .max(400_000)
      .regex(/^data:image\/jpeg;base64,[A-Za-z0-9+/]+={0,2}$/),
    width: z.int().min(1).max(2048),
    height: z.int().min(1).max(2048),
  })
  .strict();
export type ChipPhoto = z.infer<typeof chipPhotoSchema>;

/** The sign-off token as the screen shows it: its text, its QR drawn by the core, and its validity (ms since 1970). */
export const signoffTokenSchema = z
  .object({
    text: z.string().max(300),
    qr: z
      .object({
        version: z.int().min(1).max(10),
        size: z.int().min(21).max(57),
        /** Dark modules as one SVG path in module units (src/core/signoff/qr.ts). */
        path: z
          .string()
          .max(40_000)
          .regex(/^[Mhvz0-9 -]*$/),
      })
      .strict(),
    issuedAt: z.number(),
    expiresAt: z.number(),
    /** The NIK's last four digits, which the officer compares with the citizen's card. */
    nikLast4: z.string().regex(/^\d{4}$/),
    /** Whether the booth hears the officer's decision from the upstream (false: only the approval QR reaches it). */
    online: z.boolean(),
    /** The camera that reads the officer's approval QR (the face step's); null: this booth has none, only the upstream path. */
    camera: cameraSettingsSchema.nullable(),
  })
  .strict();
export type SignoffToken = z.infer<typeof signoffTokenSchema>;

export const capabilitiesSchema = z.object({
  card: z.boolean(),
  face: z.boolean(),
  signoff: z.boolean(),
});
export type Capabilities = z.infer<typeof capabilitiesSchema>;

/** Why the booth takes no new citizen (its vault: too little free space, or out of service). */
export const admissionReasons = ['VAULT_DISK_LOW', 'VAULT_UNAVAILABLE'] as const;
export const admissionSchema = z
  .object({ open: z.boolean(), reason: z.enum(admissionReasons).nullable() })
  .strict()
  .refine((admission) => admission.open === (admission.reason === null), 'closed with a reason, or open without one');
export type AdmissionState = z.infer<typeof admissionSchema>;

export const boothInfoSchema = z.object({
  boothId: z.string().max(64),
  version: z.string().max(32),
  /** Seconds without a touch before the "are you still there?" warning. */
  idleTimeoutSec: z.number().int().positive(),
  /** Length of that warning's countdown (WCAG 2.2.1: at least 20 s). */
  idleWarningSec: z.number().int().min(20),
  consentVersion: z.string().max(32),
  capabilities: capabilitiesSchema,
  /** Frames the screen warms MediaPipe with while it waits for a citizen (face.warmUpFrames); 0 when the booth has no face step. */
  faceWarmUpFrames: z.int().min(0).max(2000),
  /** Spoken guidance: the volume each session starts at, and the voice pack's files ("<key>.<lang>.<ext>") the shell serves. */
  /** Whether a new citizen may start now (booth.admission tells of each change). */
  admission: admissionSchema,
  speech: z.object({
    defaultVolume: z.number().min(0).max(1),
    voicePack: z
      .array(
        z
          .string()
          .max(120)
          .regex(/^[A-Za-z0-9_.-]+\.(id|en)\.(ogg|wav)$/),
      )
      .max(1000),
  }),
});
export type BoothInfo = z.infer<typeof boothInfoSchema>;

/**
 * While a citizen touches the screen, the renderer tells the core at most
 * this often (session.keepAlive). The core's own expiry must allow more
 * than this beyond the screen's timeout, or it could wipe a session the
 * screen still shows as alive.
 */
export const KEEPALIVE_INTERVAL_SEC = 10;

export const cardStageSchema = z.enum(['sam', 'card', 'auth', 'biodata', 'photo', 'signature']);

/**
 * Why a session was wiped: the citizen cancelled, walked away, declined consent, finished; the core's own expiry; the screen
 * crashed or hung; the headless host's page closed and did not come back.
 */
export const wipeReasonSchema = z.enum(['cancel', 'idle', 'declined', 'finished', 'expired', 'screen-lost', 'disconnected']);
export type WipeReason = z.infer<typeof wipeReasonSchema>;

const empty = z.object({}).strict();
export const emptyParams = empty;
