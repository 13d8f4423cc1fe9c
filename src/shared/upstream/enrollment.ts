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
