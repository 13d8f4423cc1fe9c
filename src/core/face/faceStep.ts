// The face step's handlers: hand the renderer its settings, issue random
// liveness challenges, and accept a capture only after replaying its trace
// through the same judge the renderer ran, checking every picture's size and
// time against it, and looking at the pixels with the core's own models
// (each action picture shows its action, all one person: actionEvidence.ts,
// in the face-match worker), then match the capture to the chip photo
// (faceMatcher.ts, in the same worker). The
// step refers the citizen to the service desk when it cannot run here (no
// camera, models refused, the screen's camera or models failed, the matcher
// out of service), when the last liveness attempt has failed, and when the
// last capture did not match.
import { randomBytes, randomInt } from 'node:crypto';
import type { AnswerOf } from '../../shared/contract/contract';
import type { BoothHandlers } from '../../shared/contract/dispatch';
import type { FaceUnavailableReason } from '../../shared/contract/reasons';
import { fail, ok, type Failure } from '../../shared/contract/result';
import type { FaceAttemptFailedParams, FaceCaptureParams, ScreenFaceProblem } from '../../shared/contract/faceSchemas';
import { challengeMaxMs, drawChallenge, judgeTrace, type StepEvidence } from '../../shared/face/liveness';
import type { CameraSettings, FaceSettings } from '../../shared/face/settings';
import type { Logger } from '../logging';
import type { CitizenSession, JourneyRefusal, SessionResult } from '../session';
import { FaceSession } from './faceSession';
import { jpegSize } from '../pictures';
import { FACE_DETECTOR_URL, FACE_MODEL_URL, FACE_WASM_BASE } from '../../shared/face/assets';
import type { VerifiedModels } from './models';
import type { CaptureCheckOutcome, CaptureEvidence, FaceMatcher, VerifyOutcome } from './faceMatcher';
import type { PictureInput } from './faceEngine';

export interface FaceStepOptions {
  settings: FaceSettings;
  camera: CameraSettings | null;
  models: VerifiedModels;
  session: CitizenSession;
  logger: Logger;
  /** Matches the capture to the chip photo; null: this booth has no matcher (the face step refers after capture). */
  matcher: FaceMatcher | null;
  /** The chip photo of the card the citizen confirmed (null before a read). */
  chipPhoto: () => PictureInput | null;
  /** Runs once the face matched and the journey moved to 'saving' (the vault's save); its answer is face.verify's. */
  afterMatch?: () => Promise<SessionResult>;
  now?: () => number;
}

/** Slack on top of the challenge's own time for the capture to arrive. */
const SUBMIT_GRACE_MS = 60_000;
/**
 * From issue to start: the briefing (the order is shown, with pictures) and
 * the positioning, at an older citizen's pace. Bounded: the order is known
 * from the issue on, and a replay could be prepared meanwhile.
 */
const START_WITHIN_MS = 180_000;

/** The booth cannot run the face step (the contract's STEP_UNAVAILABLE reasons for it). */
type FaceUnavailable = Failure<'STEP_UNAVAILABLE', FaceUnavailableReason>;

export function createFaceStep({
  settings,
  camera,
  models,
  session,
  logger,
  matcher,
  chipPhoto,
  afterMatch,
  now = Date.now,
}: FaceStepOptions) {
  /** The face step's share of the session: the challenge in play, the attempts left, the capture. */
  const part = new FaceSession(settings.liveness.attempts, settings.match.attempts);
  session.attach(part);
  function unavailable(): FaceUnavailable | null {
    if (!camera) return fail('STEP_UNAVAILABLE', 'This booth has no camera configured.', { reason: 'NO_CAMERA' });
    // A matcher that failed its self-test: say so before the citizen does the challenge, rather than after.
    const matching = matcher?.status;
    if (matching?.state === 'out-of-service')
      return fail('STEP_UNAVAILABLE', `Face matching is out of service: ${matching.message}`, { reason: 'MATCHER_OUT_OF_SERVICE' });
    if (!models.ok) {
      const tampered = models.problems.some((p) => p.problem === 'tampered');
      return fail('STEP_UNAVAILABLE', models.problems.map((p) => p.message).join(' '), {
        reason: tampered ? 'MODEL_TAMPERED' : 'MODEL_MISSING',
      });
    }
    return null;
  }

  /** At the face step and able to run; a booth that cannot run it refers the citizen as soon as the step is asked for. */
  function guard(): JourneyRefusal | FaceUnavailable | null {
    const wrongStep = session.requireStep('face');
    if (wrongStep) return wrongStep;
    const refused = unavailable();
    if (refused) {
      // The technician's code says why the matcher is out (MATCHER_SELF_TEST_FAILED, MATCHER_MODEL_MISSING, ...).
      const matching = matcher?.status;
      const outOfService = refused.error.reason === 'MATCHER_OUT_OF_SERVICE' && matching?.state === 'out-of-service';
      session.refer('face-unavailable', outOfService ? `MATCHER_${matching.reason}` : refused.error.reason);
    }
    return refused;
  }

  /** An attempt's challenge was answered and refused: after the last one the citizen is referred. */
  function attemptOver<F extends { ok: false }>(failure: F): F {
    if (part.attemptsLeft === 0) session.refer('face-failed');
    return failure;
  }

  if (settings.liveness.fixedOrder || settings.liveness.pausesMs.length < 3) {
    logger.warn(
      { event: 'face.fixed_order', order: settings.liveness.fixedOrder, pausesMs: settings.liveness.pausesMs },
      'face.liveness.fixedOrder is set or pausesMs has fewer than 3 values: challenges are predictable, a replayed recording' +
        ' passes far more often (tests and demos only, never a production booth)',
    );
  }

  const step = {
    available: unavailable() === null,
    part,

    setup(): AnswerOf<'face.setup'> {
      const refused = guard();
      if (refused) return refused;
      return ok({
        camera: camera!,
        quality: settings.quality,
        liveness: settings.liveness,
        capture: settings.capture,
        technicianOverlay: settings.technicianOverlay,
        wasmBase: FACE_WASM_BASE,
        modelUrl: FACE_MODEL_URL,
        detectorUrl: FACE_DETECTOR_URL,
        attemptsLeft: part.attemptsLeft,
      });
    },

    beginChallenge(): AnswerOf<'face.beginChallenge'> {
      const refused = guard();
      if (refused) return refused;
      if (part.capture) return fail('FACE_FAILED', 'A face was already captured in this session.', { reason: 'ALREADY_CAPTURED' });
      // Asking again after the last attempt voids it: the screen did not say how it ended, and nothing else can follow.
      if (part.attemptsLeft === 0)
        return attemptOver(fail('FACE_FAILED', 'No face attempts are left in this session.', { reason: 'ATTEMPTS_EXHAUSTED' }));
      const challenge = drawChallenge(randomBytes(12).toString('hex'), settings.liveness, (n) => randomInt(n));
      part.issue(challenge, now());
      session.partChanged();
      logger.info(
        {
          event: 'face.challenge',
          steps: challenge.steps,
          fixed: settings.liveness.fixedOrder !== undefined,
          attemptsLeft: part.attemptsLeft,
        },
        'liveness challenge issued',
      );
      return ok({ challenge, attemptsLeft: part.attemptsLeft });
    },

    /** The screen begins judging the challenge: its clock (the trace's t = 0, the expiry) starts here, not at the issue. */
    startChallenge(challengeId: string): AnswerOf<'face.startChallenge'> {
      const refused = guard();
      if (refused) return refused;
      const issued = part.start(challengeId, now());
      if (!issued) return fail('FACE_FAILED', 'That challenge is not the one waiting to start.', { reason: 'CHALLENGE_UNKNOWN' });
      if (issued.startedAt! - issued.issuedAt > START_WITHIN_MS) {
        part.takeChallenge(challengeId);
        return attemptOver(
          fail('FACE_FAILED', 'The challenge was issued too long ago; ask for a new one.', { reason: 'CHALLENGE_EXPIRED' }),
        );
      }
      return ok({});
    },

    async submitCapture(params: FaceCaptureParams): Promise<AnswerOf<'face.submitCapture'>> {
      const result = await acceptCapture(params);
      // Refused pictures are not kept, and action pictures never: zero them now rather than leave them to the garbage collector.
      if (!result.ok) for (const picture of [...params.frames, params.still]) picture.jpeg.fill(0);
      for (const picture of params.actions) picture.jpeg.fill(0);
      return result;
    },

    /** The screen's judge (or its JPEG encoder) failed the challenge in play: it is void, and it was an attempt. */
    attemptFailed({ challengeId, reason }: FaceAttemptFailedParams): AnswerOf<'face.attemptFailed'> {
      const refused = guard();
      if (refused) return refused;
      if (!part.takeChallenge(challengeId))
        return fail('FACE_FAILED', 'That challenge is not the one in play.', { reason: 'CHALLENGE_UNKNOWN' });
      logger.info({ event: 'face.attempt_failed', reason, attemptsLeft: part.attemptsLeft }, 'liveness attempt failed on the screen');
      return part.attemptsLeft === 0 ? session.refer('face-failed') : session.partChanged();
    },

    /** The camera or MediaPipe cannot run on the screen: nothing else can be done at this booth. */
    reportProblem(problem: ScreenFaceProblem): AnswerOf<'face.reportProblem'> {
      const refused = guard();
      if (refused) return refused;
      logger.warn({ event: 'face.screen_problem', problem }, 'the face step cannot run on the screen');
      return session.refer('face-unavailable', problem);
    },

    async verify(): Promise<AnswerOf<'face.verify'>> {
      const refused = guard();
      if (refused) return refused;
      const capture = part.capture;
      if (!capture) return fail('FACE_FAILED', 'No face has been captured yet.', { reason: 'NOT_CAPTURED' });
      if (part.verifying) return fail('FACE_FAILED', 'This capture is being matched already.', { reason: 'VERIFY_IN_PROGRESS' });
      const photo = chipPhoto();
      if (!matcher || !photo) {
        logger.error({ event: 'face.match_unavailable', why: matcher ? 'no chip photo' : 'no matcher' }, 'the face cannot be matched');
        session.refer('face-match-unavailable', matcher ? 'NO_CHIP_PHOTO' : 'NO_MATCHER');
        return fail('STEP_UNAVAILABLE', 'This booth cannot match the face to the chip photo now.');
      }
      part.verifying = true;
      let outcome: VerifyOutcome;
      try {
        outcome = await matcher.verify({
          chip: photo,
          // The full frame was checked at the capture (one face, the crops' person): the match is the crops' alone.
          crops: capture.frames.map((f) => ({ format: 'jpeg', bytes: f.jpeg })),
        });
      } finally {
        part.verifying = false;
      }
      // The session moved on meanwhile (cancelled, timed out, another capture): this answer is for nobody.
      if (part.capture !== capture || session.requireStep('face'))
        return session.requireStep('face') ?? fail('FACE_FAILED', 'The capture changed while it was matched.', { reason: 'NOT_CAPTURED' });
      return settle(outcome);
    },
  };

  /** The matcher's outcome as the citizen's next step; logged with the evidence (scores, never pictures). */
  async function settle(outcome: VerifyOutcome): Promise<AnswerOf<'face.verify'>> {
    switch (outcome.kind) {
      case 'decided': {
        const { evidence } = outcome;
        logger.info(
          {
            event: 'face.match',
            decision: evidence.decision,
            distances: evidence.distances.map((d) => Number(d.toFixed(4))),
            threshold: evidence.threshold,
            rule: evidence.rule,
            within: evidence.within,
            cropSpread: Number(evidence.cropSpread.toFixed(4)),
            models: evidence.models,
            ms: Math.round(evidence.ms.total),
          },
          `face ${evidence.decision === 'match' ? 'matched' : 'did not match'} the chip photo`,
        );
        if (evidence.decision === 'match') {
          part.matched(evidence);
          const saving = session.advance({ type: 'faceVerified' });
          return saving.ok && afterMatch ? afterMatch() : saving;
        }
        return noMatch('NO_MATCH', 'The face does not match the photo on the e-KTP chip.');
      }
      case 'live-unusable':
        logger.warn({ event: 'face.live_unusable', reason: outcome.reason }, outcome.message);
        return noMatch('LIVE_FACE_UNUSABLE', `The live pictures cannot be matched (${outcome.reason}).`);
      case 'retry':
        logger.warn({ event: 'face.match_retry', reason: outcome.reason }, outcome.message);
        return fail('FACE_FAILED', 'Matching did not finish this time; it can be tried again.', { reason: 'MATCH_RETRY' });
      case 'chip-unusable':
        logger.warn({ event: 'face.chip_photo_unusable', reason: outcome.reason }, outcome.message);
        session.refer('face-match-unavailable', `CHIP_PHOTO_${outcome.reason}`);
        return fail('STEP_UNAVAILABLE', 'The photo on the e-KTP chip cannot be matched.');
      case 'out-of-service': {
        const status = matcher?.status;
        const code = status?.state === 'out-of-service' ? status.reason : 'WORKER_FAILED';
        logger.error({ event: 'face.match_unavailable', code }, outcome.message);
        session.refer('face-match-unavailable', code);
        return fail('STEP_UNAVAILABLE', 'Face matching is out of service on this booth.');
      }
    }
  }

  /** The capture is erased and a match attempt used; after the last the citizen goes to the desk. */
  function noMatch(reason: 'NO_MATCH' | 'LIVE_FACE_UNUSABLE', message: string): AnswerOf<'face.verify'> {
    part.captureRefused();
    if (part.matchesLeft === 0) {
      session.refer('face-not-matched', reason);
      return fail('FACE_FAILED', `${message} No attempt is left.`, { reason });
    }
    session.partChanged();
    return fail('FACE_FAILED', message, { reason });
  }

  async function acceptCapture(params: FaceCaptureParams): Promise<AnswerOf<'face.submitCapture'>> {
    const refused = guard();
    if (refused) return refused;
    const issued = part.takeChallenge(params.challengeId);
    if (!issued)
      return fail('FACE_FAILED', 'The capture answers no challenge in play; start the face check again.', { reason: 'CHALLENGE_UNKNOWN' });
    if (issued.startedAt === null)
      return attemptOver(fail('FACE_FAILED', 'The challenge was never started.', { reason: 'CHALLENGE_NOT_STARTED' }));
    const elapsed = now() - issued.startedAt;
    const { challenge } = issued;
    if (elapsed > challengeMaxMs(challenge, settings.liveness) + SUBMIT_GRACE_MS) {
      return attemptOver(fail('FACE_FAILED', 'The challenge expired before the capture arrived.', { reason: 'CHALLENGE_EXPIRED' }));
    }
    // The trace cannot be longer than the time since the challenge started.
    if (params.trace.at(-1)!.t > elapsed + 1000)
      return attemptOver(
        fail('FACE_FAILED', 'The liveness trace is longer than the challenge has existed.', { reason: 'LIVENESS_BAD_TRACE' }),
      );
    const verdict = judgeTrace(challenge, settings.liveness, params.trace);
    if (verdict.status !== 'passed') {
      const reason = verdict.status === 'failed' ? verdict.reason : 'TIMEOUT';
      logger.warn(
        { event: 'face.liveness_refused', reason, steps: challenge.steps, done: verdict.done.length },
        'capture refused: liveness not shown',
      );
      return attemptOver(fail('FACE_FAILED', `The liveness challenge was not passed (${reason}).`, { reason: `LIVENESS_${reason}` }));
    }
    const bad = checkPictures(params, settings, camera!);
    if (bad) {
      logger.warn({ event: 'face.capture_refused', why: bad }, 'capture refused: bad picture');
      return attemptOver(fail('FACE_FAILED', bad, { reason: 'BAD_IMAGE' }));
    }
    const misplaced = checkPictureTimes(params, verdict.done);
    if (misplaced) {
      logger.warn({ event: 'face.capture_refused', why: misplaced }, 'capture refused: pictures do not fit the trace');
      return attemptOver(fail('FACE_FAILED', misplaced, { reason: 'BAD_EVIDENCE' }));
    }
    // The core's own look at the pixels: each action picture shows its action, and all are one person.
    let pictureEvidence: CaptureEvidence | null = null;
    if (matcher) {
      part.verifying = true;
      let checked: CaptureCheckOutcome;
      try {
        checked = await matcher.checkCapture({
          crops: params.frames.map((f) => ({ format: 'jpeg', bytes: f.jpeg })),
          actions: params.actions.map((a) => ({ action: a.action, picture: { format: 'jpeg', bytes: a.jpeg } })),
          still: { format: 'jpeg', bytes: params.still.jpeg },
          turnYawDeg: settings.liveness.turnYawDeg,
        });
      } finally {
        part.verifying = false;
      }
      // The session moved on meanwhile (cancelled, timed out): this answer is for nobody.
      const moved = session.requireStep('face');
      if (moved) return moved;
      const refusedHere = settleCheck(checked);
      if (refusedHere) return refusedHere;
      pictureEvidence = (checked as Extract<CaptureCheckOutcome, { kind: 'shown' }>).evidence;
    } else {
      logger.warn({ event: 'face.pictures_unchecked' }, 'no face matcher on this booth: the capture is kept on its trace alone');
    }
    part.accept({
      frames: params.frames.map(({ jpeg, width, height, score }) => ({ jpeg, width, height, score })),
      still: params.still,
      challenge,
      evidence: verdict.done,
      pictureEvidence,
      capturedAt: now(),
    });
    logger.info(
      {
        event: 'face.captured',
        steps: verdict.done,
        // Not "frames": the log scrubber drops that key whole (it may hold picture bytes elsewhere).
        keptFrames: params.frames.map((f) => ({ score: f.score, bytes: f.jpeg.byteLength })),
        still: { width: params.still.width, height: params.still.height, bytes: params.still.jpeg.byteLength },
        traceFrames: params.trace.length,
        actions: pictureEvidence?.findings.map((f) => ({
          action: f.action,
          measure: Number(f.measure.toFixed(3)),
          distance: Number(f.distance.toFixed(3)),
        })),
        baseline: pictureEvidence && {
          yawDeg: Number(pictureEvidence.baseline.yawDeg.toFixed(1)),
          openness: Number(pictureEvidence.baseline.openness.toFixed(3)),
        },
        checkMs: pictureEvidence && Math.round(pictureEvidence.ms),
      },
      'face captured',
    );
    return session.partChanged();
  }

  /** The pictures' check as the citizen's answer: null when they showed the actions, else the refusal (an attempt used, or given back). */
  function settleCheck(checked: CaptureCheckOutcome): AnswerOf<'face.submitCapture'> | null {
    switch (checked.kind) {
      case 'shown':
        return null;
      case 'refused':
        logger.warn({ event: 'face.capture_refused', reason: checked.reason, why: checked.message }, 'capture refused: pictures');
        return attemptOver(fail('FACE_FAILED', checked.message, { reason: checked.reason }));
      case 'retry':
        // Our failure, not the citizen's: the attempt is given back.
        logger.warn({ event: 'face.check_retry', reason: checked.reason }, checked.message);
        part.refundAttempt();
        session.partChanged();
        return fail('FACE_FAILED', 'The pictures could not be checked this time; try the face check again.', { reason: 'CHECK_RETRY' });
      case 'out-of-service':
        logger.error({ event: 'face.match_unavailable', code: 'WORKER_FAILED' }, checked.message);
        session.refer('face-match-unavailable', 'WORKER_FAILED');
        return fail('STEP_UNAVAILABLE', 'Face checking is out of service on this booth.', { reason: 'MATCHER_OUT_OF_SERVICE' });
    }
  }

  return {
    ...step,
    handlers: {
      'face.setup': () => step.setup(),
      'face.beginChallenge': () => step.beginChallenge(),
      'face.startChallenge': ({ challengeId }) => step.startChallenge(challengeId),
      'face.submitCapture': (params) => step.submitCapture(params),
      'face.attemptFailed': (params) => step.attemptFailed(params),
      'face.reportProblem': ({ problem }) => step.reportProblem(problem),
      'face.verify': () => step.verify(),
    } satisfies Pick<
      BoothHandlers,
      | 'face.setup'
      | 'face.beginChallenge'
      | 'face.startChallenge'
      | 'face.submitCapture'
      | 'face.attemptFailed'
      | 'face.reportProblem'
      | 'face.verify'
    >,
  };
}

export type FaceStep = ReturnType<typeof createFaceStep>;

/** Every picture (crops, action pictures, the full frame) must be a JPEG of the size it claims, under the configured caps. */
function checkPictures(params: FaceCaptureParams, settings: FaceSettings, camera: CameraSettings): string | null {
  const { maxFrameBytes, maxStillBytes, bestFrames, cropSize } = settings.capture;
  // Every crop is matched: fewer than the booth asks for would let one lucky crop decide.
  if (params.frames.length !== bestFrames) return `${params.frames.length} face crops were sent; this booth asks for ${bestFrames}.`;
  const squares = [
    ...params.frames.map((frame, i) => ({ frame, what: `Frame ${i}` })),
    ...params.actions.map((frame, i) => ({ frame, what: `Action picture ${i}` })),
  ];
  for (const { frame, what } of squares) {
    // The screen draws every crop at exactly this size; a larger claim would only make the matcher decode more.
    if (frame.width !== cropSize || frame.height !== cropSize)
      return `${what} is ${frame.width} × ${frame.height}; this booth's crops are ${cropSize} × ${cropSize}.`;
    if (frame.jpeg.byteLength > maxFrameBytes) return `${what} is ${frame.jpeg.byteLength} bytes; at most ${maxFrameBytes} are accepted.`;
    const size = jpegSize(frame.jpeg);
    if (!size || size.width !== frame.width || size.height !== frame.height)
      return `${what} is not a JPEG of ${frame.width} × ${frame.height}.`;
  }
  const still = params.still;
  if (still.jpeg.byteLength > maxStillBytes) return `The still is ${still.jpeg.byteLength} bytes; at most ${maxStillBytes} are accepted.`;
  const size = jpegSize(still.jpeg);
  if (!size || size.width !== still.width || size.height !== still.height)
    return `The still is not a JPEG of ${still.width} × ${still.height}.`;
  // A camera may deliver less than asked, never far more.
  if (still.width > camera.width * 2 || still.height > camera.height * 2)
    return `The still (${still.width} × ${still.height}) is larger than the camera delivers.`;
  return null;
}

/**
 * Every picture taken during the challenge was taken at a frame of its trace: each action picture inside its step (from
 * the step's start to the frame that completed it), in the challenge's order, and each crop after the last action, no two
 * at the same moment.
 */
function checkPictureTimes(params: FaceCaptureParams, done: readonly StepEvidence[]): string | null {
  const frameTimes = new Set(params.trace.map((entry) => entry.t));
  if (params.actions.length !== done.length)
    return `${params.actions.length} action pictures were sent for a challenge of ${done.length} actions.`;
  for (const [i, picture] of params.actions.entries()) {
    const step = done[i]!;
    if (picture.action !== step.action) return `Action picture ${i} claims ${picture.action}; step ${i} was ${step.action}.`;
    if (!frameTimes.has(picture.t)) return `Action picture ${i} (t = ${picture.t} ms) matches no frame of the trace.`;
    if (picture.t < step.startedMs || picture.t > step.completedMs)
      return `Action picture ${i} (t = ${picture.t} ms) was not taken during its step (${step.startedMs}–${step.completedMs} ms).`;
  }
  const passedAt = done.at(-1)?.completedMs ?? 0;
  const cropTimes = new Set<number>();
  for (const [i, frame] of params.frames.entries()) {
    if (!frameTimes.has(frame.t)) return `Crop ${i} (t = ${frame.t} ms) matches no frame of the trace.`;
    if (frame.t < passedAt) return `Crop ${i} (t = ${frame.t} ms) was taken before the challenge was passed (${passedAt} ms).`;
    if (cropTimes.has(frame.t)) return `Crops share one moment (t = ${frame.t} ms): each must be its own frame.`;
    cropTimes.add(frame.t);
  }
  return null;
}
