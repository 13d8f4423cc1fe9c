// The saving step: once the face matched, the whole enrollment (what the
// citizen typed, the chip's data and photo, the live pictures, the match
// and liveness evidence) is sealed and committed to the vault before the
// sign-off is shown, so a crash or a cut during sign-off loses nothing.
// A commit that fails (disk full, disk error, vault out of service) refers
// the citizen to the desk with the reason, and loses nothing stored before.
// Also the admission guard: no new citizen while the vault cannot take one.
import { randomBytes } from 'node:crypto';
import { ENROLLMENT_FORMAT, type EnrollmentContent } from '../../shared/upstream/enrollment';
import type { SignoffEvidence } from '../../shared/signoff/token';
import type { CardReadout } from '../card/ektp/readEktp';
import type { FaceCapture, MatchEvidence } from '../face';
import type { Logger } from '../logging';
import type { CitizenSession, SessionResult } from '../session';
import type { Admission, Vault } from './vault';

export interface EnrollmentSources {
  readout(): CardReadout | null;
  capture(): FaceCapture | null;
  match(): MatchEvidence | null;
}

export interface EnrollmentStepOptions {
  /** The vault, opening (its keys may take a moment from a TPM) or open. */
  vault: Promise<Vault>;
  session: CitizenSession;
  sources: EnrollmentSources;
  logger: Logger;
  boothId: string;
  version: string;
  now?: () => number;
}

export interface EnrollmentStep {
  /** The journey is at 'saving': seal and commit, then sign-off (or the desk, with the reason). */
  save(): Promise<SessionResult>;
  /** Whether a new citizen may start (waits for the vault to finish opening). */
  admission(): Promise<Admission>;
  /** Admission as last known, without waiting (null until the vault has opened). */
  lastAdmission(): Admission | null;
  /**
   * The citizen asked to cancel and erase (the screen's cancel, called before the session is wiped). If this session saved an
   * enrollment (or is saving one), a cancellation is stored as its own sealed record about it, so the upstream discards the
   * enrollment. Any other end of a session (idle, finished, a restart) leaves a saved enrollment standing.
   */
  citizenCancelled(): Promise<void>;
  /** What the sign-off token says of the enrollment this session saved; null before it is stored, or for another session. */
  saved(): SavedEnrollment | null;
}

export interface SavedEnrollment {
  enrollmentId: string;
  nik: string;
  /** The NIK digest's key, sealed into the enrollment (content.signoff). */
  nikDigestKey: Uint8Array;
  evidence: SignoffEvidence;
}

/** The evidence summary a sign-off token carries (thousandths as integers: docs/signoff-token.md). */
export function signoffEvidence(parts: { readout: CardReadout; capture: FaceCapture; match: MatchEvidence }): SignoffEvidence {
  const { readout, capture, match } = parts;
  // The distance that decided: the required-th closest crop (the rule is "at least `required` crops within the threshold").
  const deciding = [...match.distances].sort((a, b) => a - b)[Math.max(0, match.required - 1)] ?? Number.POSITIVE_INFINITY;
  const thousandths = (value: number) => Math.min(0xffff, Math.max(0, Math.round(value * 1000)));
  return {
    chipAuthenticated: readout.auth.samAuthenticated,
    // A capture exists only once the liveness judge passed every step of its challenge.
    livenessPassed: capture.evidence.length > 0,
    matchDistance: thousandths(deciding),
    matchThreshold: thousandths(match.threshold),
    quality: Math.min(100, Math.max(0, Math.round(capture.frames[0]?.score ?? 0))),
  };
}

export const CANCELLATION_FORMAT = 'anjungan-ikd/cancellation/v1';

const iso = (ms: number) => new Date(ms).toISOString();

/** The sealed content of one enrollment (src/shared/upstream/enrollment.ts); null when a part is missing (a bug upstream of here). */
export function enrollmentContent(
  id: string,
  parts: { readout: CardReadout; capture: FaceCapture; match: MatchEvidence },
  journey: { nik: string; email: string; phone: string; language: 'id' | 'en' },
  context: { boothId: string; version: string; consentVersion: string; sessionStartedAt: number | null; matchedAt: number; now: number },
  nikDigestKey: Uint8Array,
): EnrollmentContent {
  const { readout, capture, match } = parts;
  return {
    format: ENROLLMENT_FORMAT,
    enrollmentId: id,
    boothId: context.boothId,
    software: { version: context.version, consentVersion: context.consentVersion },
    times: {
      sessionStartedAt: context.sessionStartedAt === null ? null : iso(context.sessionStartedAt),
      capturedAt: iso(capture.capturedAt),
      matchedAt: iso(context.matchedAt),
      sealedAt: iso(context.now),
    },
    citizen: { nik: journey.nik, name: readout.biodata.name, email: journey.email, phone: journey.phone, language: journey.language },
    chip: {
      chipUid: readout.chipUid,
      biodata: Object.fromEntries(Object.entries(readout.biodata).map(([key, value]) => [key, String(value)])),
      photo: { format: readout.photo.format, bytes: readout.photo.bytes },
      signatureImage: readout.signatureImage ? { format: readout.signatureImage.format, bytes: readout.signatureImage.bytes } : null,
      samAuthenticated: readout.auth.samAuthenticated,
    },
    face: {
      crops: capture.frames.map((frame) => ({ jpeg: frame.jpeg, width: frame.width, height: frame.height, quality: frame.score })),
      fullFrame: { jpeg: capture.still.jpeg, width: capture.still.width, height: capture.still.height },
      liveness: { challenge: capture.challenge, steps: capture.evidence },
      pictures: capture.pictureEvidence,
      match: { ...match },
    },
    signoff: { nikDigestKey },
  };
}

export function createEnrollmentStep(options: EnrollmentStepOptions): EnrollmentStep {
  const { session, sources, logger } = options;
  const now = options.now ?? Date.now;
  let vault: Vault | null = null;
  void options.vault.then((opened) => (vault = opened));
  /** The latest save: whose session it was for, the enrollment it stored (once stored), and whether that citizen cancelled. */
  let latest: { sessionId: string; savedId: string | null; cancelled: boolean; saved: SavedEnrollment | null } | null = null;

  async function storeCancellation(about: string): Promise<void> {
    const opened = await options.vault;
    const cancelled = await opened.commit({
      kind: 'cancellation',
      about,
      nik: null,
      content: (id) => ({ format: CANCELLATION_FORMAT, id, enrollmentId: about, reason: 'citizen-cancelled', at: iso(now()) }),
    });
    if (cancelled.ok)
      logger.info({ event: 'vault.enrollment_cancelled', id: cancelled.id, about }, 'the citizen cancelled a saved enrollment');
    else logger.error({ event: 'vault.cancellation_not_saved', about, reason: cancelled.reason }, cancelled.message);
  }

  const step: EnrollmentStep = {
    async admission() {
      return (await options.vault).admission();
    },
    lastAdmission: () => vault?.admission() ?? null,
    saved: () => (latest && latest.sessionId !== '' && latest.sessionId === session.snapshot()?.sessionId ? latest.saved : null),

    async citizenCancelled() {
      const entry = latest;
      // Only the citizen whose session saved it: a later citizen's cancel is theirs alone.
      if (!entry || entry.cancelled || entry.sessionId === '' || entry.sessionId !== session.snapshot()?.sessionId) return;
      entry.cancelled = true;
      if (entry.savedId) await storeCancellation(entry.savedId);
    },

    async save(): Promise<SessionResult> {
      const guard = session.requireStep('saving');
      if (guard) return guard;
      const journey = session.journey();
      const readout = sources.readout();
      const capture = sources.capture();
      const match = sources.match();
      if (!journey?.nik || !journey.email || !journey.phone || !readout || !capture || !match) {
        logger.error({ event: 'vault.enrollment_incomplete' }, 'the enrollment to save is missing a part; nothing was stored');
        return session.refer('enrollment-not-saved', 'INCOMPLETE');
      }
      const opened = await options.vault;
      const matchedAt = now();
      const entry = {
        sessionId: session.snapshot()?.sessionId ?? '',
        savedId: null as string | null,
        cancelled: false,
        saved: null as SavedEnrollment | null,
      };
      const nikDigestKey = new Uint8Array(randomBytes(16));
      latest = entry;
      const committed = await opened.commit({
        kind: 'enrollment',
        about: null,
        nik: journey.nik,
        content: (id) =>
          enrollmentContent(
            id,
            { readout, capture, match },
            { nik: journey.nik!, email: journey.email!, phone: journey.phone!, language: journey.language },
            {
              boothId: options.boothId,
              version: options.version,
              consentVersion: session.consentVersion,
              sessionStartedAt: session.startedAt,
              matchedAt,
              now: now(),
            },
            nikDigestKey,
          ),
      });
      if (!committed.ok) {
        logger.error({ event: 'vault.enrollment_not_saved', reason: committed.reason }, committed.message);
        // The session may have ended meanwhile (a wipe): then there is nobody to refer.
        return session.requireStep('saving') ?? session.refer('enrollment-not-saved', committed.reason);
      }
      entry.savedId = committed.id;
      entry.saved = { enrollmentId: committed.id, nik: journey.nik, nikDigestKey, evidence: signoffEvidence({ readout, capture, match }) };
      // The citizen cancelled while it was being saved: the cancellation follows it.
      if (entry.cancelled) void storeCancellation(committed.id);
      logger.info(
        {
          event: 'vault.enrollment_saved',
          id: committed.id,
          bytes: committed.payloadSize,
          ms: { seal: round(committed.ms.seal), write: round(committed.ms.write), total: round(committed.ms.total) },
        },
        'enrollment sealed and stored',
      );
      return session.requireStep('saving') ?? session.advance({ type: 'saved' });
    },
  };
  return step;
}

const round = (ms: number) => Math.round(ms * 100) / 100;
