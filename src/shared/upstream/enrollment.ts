// What a sealed enrollment record holds once the upstream opens it: the
// booth → upstream contract for the content of `kind: 'enrollment'`
// records (src/core/vault/record.ts seals it; the upstream validates it
// with this schema where it receives it). CBOR byte strings arrive as
// Uint8Array. Evidence objects are the booth's own measures (scores,
// timings, model ids), kept as the booth logged them.
import { z } from 'zod';

export const ENROLLMENT_FORMAT = 'anjungan-ikd/enrollment/v1';

const bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'bytes (a CBOR byte string)');
const isoTime = z.iso.datetime();
const picture = z.object({ jpeg: bytes, width: z.int().positive(), height: z.int().positive() }).strict();

export const enrollmentContentSchema = z
  .object({
    format: z.literal(ENROLLMENT_FORMAT),
    /** The record's id (UUIDv7), repeated inside the sealed content. */
    enrollmentId: z.string(),
    boothId: z.string(),
    software: z.object({ version: z.string(), consentVersion: z.string() }).strict(),
    times: z.object({ sessionStartedAt: isoTime.nullable(), capturedAt: isoTime, matchedAt: isoTime, sealedAt: isoTime }).strict(),
    citizen: z
      .object({
        nik: z.string().regex(/^\d{16}$/),
        name: z.string(),
        /** Lower-cased. */
        email: z.string(),
        /** E.164. */
        phone: z.string(),
        language: z.enum(['id', 'en']),
      })
      .strict(),
    chip: z
      .object({
        chipUid: z.string(),
        biodata: z.record(z.string(), z.string()),
        photo: z.object({ format: z.string(), bytes }).strict(),
        signatureImage: z.object({ format: z.string(), bytes }).strict().nullable(),
        samAuthenticated: z.boolean(),
      })
      .strict(),
    face: z
      .object({
        /** The live crops matched to the chip photo, best first, with the screen's quality score. */
        crops: z.array(picture.extend({ quality: z.number() })).min(1),
        /** The full camera frame of the best moment. */
        fullFrame: picture,
        /** The challenge and the judge's per-step evidence (src/shared/face/liveness.ts). */
        liveness: z.object({ challenge: z.unknown(), steps: z.array(z.unknown()) }).strict(),
        /** What the core measured on the action pictures (no pixels). */
        pictures: z.unknown().nullable(),
        /** The match's scores, rule, threshold and models. */
        match: z.record(z.string(), z.unknown()),
      })
      .strict(),
    /**
     * For the officer's sign-off (issue 15): the 16-byte key of the sign-off token's NIK digest (docs/signoff-token.md), so
     * the upstream, and only it, can check that a token and this enrollment are about the same NIK. Absent in enrollments
     * sealed before sign-off existed.
     */
    signoff: z
      .object({ nikDigestKey: bytes.refine((value) => value.length === 16, '16 bytes') })
      .strict()
      .optional(),
  })
  .strict();

export type EnrollmentContent = z.infer<typeof enrollmentContentSchema>;

export const CANCELLATION_FORMAT = 'anjungan-ikd/cancellation/v1';

/** The content of a `kind: 'cancellation'` record: the citizen (or the booth, for a save that outlasted its time) withdrew it. */
export const cancellationContentSchema = z
  .object({
    format: z.literal(CANCELLATION_FORMAT),
    /** The cancellation record's own id (absent in the booth's late-save cancellations). */
    id: z.string().optional(),
    enrollmentId: z.string(),
    reason: z.string().max(100),
    at: isoTime,
  })
  .strict();

export const SIGNOFF_FORMAT = 'anjungan-ikd/signoff/v1';

/**
 * The content of a `kind: 'signoff'` record: the officer's decision on an enrollment as the booth learned it, from the
 * upstream (its signed answer) or from the officer's approval QR read by the booth's camera (the QR's text, which anyone can
 * check again: src/shared/signoff/approval.ts).
 */
export const signoffContentSchema = z
  .object({
    format: z.literal(SIGNOFF_FORMAT),
    id: z.string(),
    enrollmentId: z.string(),
    decision: z.enum(['approve', 'reject']),
    reason: z.string().max(40).nullable(),
    officerId: z.string().max(32),
    decidedAt: isoTime,
    via: z.enum(['upstream', 'approval-qr']),
    /** The upstream's signature over its answer (via upstream) or the approval QR's text (via approval-qr). */
    proof: z.string().max(4000),
    at: isoTime,
  })
  .strict();
export type SignoffContent = z.infer<typeof signoffContentSchema>;
