// The face step's share of a citizen's session: the challenge in play, the
// attempts left, and the accepted capture (JPEG bytes kept only in memory,
// zeroed when the journey ends at the service desk or the session ends).
import type { Challenge, StepEvidence } from '../../shared/face/liveness';
import type { JourneyStep } from '../../shared/journey/machine';
import type { SessionPart } from '../session';
import type { CaptureEvidence, MatchEvidence } from './faceMatcher';

export interface CapturedImage {
  jpeg: Uint8Array;
  width: number;
  height: number;
}

export interface FaceCapture {
  /** Face crops for matching, best quality first, each with its quality score. */
  frames: Array<CapturedImage & { score: number }>;
  /** The full-resolution camera frame of the best moment. */
  still: CapturedImage;
  challenge: Challenge;
  evidence: StepEvidence[];
  /** What the core measured on the action pictures (no picture, no embedding); null on a booth without a matcher. */
  pictureEvidence: CaptureEvidence | null;
  capturedAt: number;
}

interface IssuedChallenge {
  challenge: Challenge;
  issuedAt: number;
  /** When the screen began judging it (after the briefing and the positioning); null until then. */
  startedAt: number | null;
}

type FaceFields = { faceAttemptsLeft: number; faceCaptured: boolean; faceMatchesLeft: number };

export class FaceSession implements SessionPart<FaceFields> {
  #attemptsLeft: number;
  #matchesLeft: number;
  #issued: IssuedChallenge | null = null;
  #capture: FaceCapture | null = null;
  #evidence: MatchEvidence | null = null;
  /** The capture being matched now (a second face.verify meanwhile is refused). */
  verifying = false;

  constructor(
    private readonly attempts: number,
    private readonly matches: number,
  ) {
    this.#attemptsLeft = attempts;
    this.#matchesLeft = matches;
  }

  get matchesLeft(): number {
    return this.#matchesLeft;
  }

  /** The match's record (scores, decision, models, timings; no picture), once the face matched. */
  get evidence(): MatchEvidence | null {
    return this.#evidence;
  }

  matched(evidence: MatchEvidence): void {
    this.#evidence = evidence;
  }

  /**
   * The captured face did not match the chip photo (or could not be used): the capture is erased and one match attempt is
   * used. With attempts left, a new capture gets a fresh round of liveness attempts.
   */
  captureRefused(): void {
    this.#wipeCapture();
    this.#matchesLeft = Math.max(0, this.#matchesLeft - 1);
    if (this.#matchesLeft > 0) this.#attemptsLeft = this.attempts;
  }

  get attemptsLeft(): number {
    return this.#attemptsLeft;
  }

  /** The id of the challenge that can still be answered, if any. */
  get inPlay(): string | null {
    return this.#issued?.challenge.id ?? null;
  }

  get capture(): FaceCapture | null {
    return this.#capture;
  }

  snapshot(): FaceFields {
    return { faceAttemptsLeft: this.#attemptsLeft, faceCaptured: this.#capture !== null, faceMatchesLeft: this.#matchesLeft };
  }

  /** Uses up one attempt for a new challenge; the previous one can no longer be answered. */
  issue(challenge: Challenge, now: number): void {
    this.#attemptsLeft = Math.max(0, this.#attemptsLeft - 1);
    this.#issued = { challenge, issuedAt: now, startedAt: null };
  }

  /** The booth failed to check a capture (not the citizen): the attempt it used is given back. */
  refundAttempt(): void {
    this.#attemptsLeft = Math.min(this.attempts, this.#attemptsLeft + 1);
  }

  /** The challenge in play, not started yet: its clock starts now. Null when `id` is not that challenge. */
  start(id: string, now: number): IssuedChallenge | null {
    const issued = this.#issued;
    if (!issued || issued.challenge.id !== id || issued.startedAt !== null) return null;
    issued.startedAt = now;
    return issued;
  }

  /** The challenge a capture may answer: the latest one, once. */
  takeChallenge(id: string): IssuedChallenge | null {
    const issued = this.#issued;
    if (!issued || issued.challenge.id !== id) return null;
    this.#issued = null;
    return issued;
  }

  accept(capture: FaceCapture): void {
    this.#wipeCapture();
    this.#capture = capture;
  }

  /** Referred to the service desk: the pictures and the challenge are of no more use. */
  stepChanged(_from: JourneyStep, to: JourneyStep): void {
    // Referred, or past the saving: the pictures are sealed in the vault (or of no more use), so none stays in memory.
    if (to !== 'referred' && to !== 'signoff') return;
    this.#wipeCapture();
    this.#issued = null;
  }

  wipe(): void {
    this.#wipeCapture();
    this.#issued = null;
    this.#evidence = null;
    this.verifying = false;
    this.#attemptsLeft = this.attempts;
    this.#matchesLeft = this.matches;
  }

  #wipeCapture(): void {
    if (!this.#capture) return;
    for (const frame of this.#capture.frames) frame.jpeg.fill(0);
    this.#capture.still.jpeg.fill(0);
    this.#capture = null;
  }
}
