// The face step's share of a citizen's session: the challenge in play, the
// attempts left, and the accepted capture (JPEG bytes kept only in memory,
// zeroed when the journey ends at the service desk or the session ends).
import type { Challenge, StepEvidence } from '../../shared/face/liveness';
import type { JourneyStep } from '../../shared/journey/machine';
import type { SessionPart } from '../session';

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
  capturedAt: number;
}

interface IssuedChallenge {
  challenge: Challenge;
  issuedAt: number;
  /** When the screen began judging it (after the briefing and the positioning); null until then. */
  startedAt: number | null;
}

export class FaceSession implements SessionPart<{ faceAttemptsLeft: number; faceCaptured: boolean }> {
  #attemptsLeft: number;
  #issued: IssuedChallenge | null = null;
  #capture: FaceCapture | null = null;

  constructor(private readonly attempts: number) {
    this.#attemptsLeft = attempts;
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

  snapshot(): { faceAttemptsLeft: number; faceCaptured: boolean } {
    return { faceAttemptsLeft: this.#attemptsLeft, faceCaptured: this.#capture !== null };
  }

  /** Uses up one attempt for a new challenge; the previous one can no longer be answered. */
  issue(challenge: Challenge, now: number): void {
    this.#attemptsLeft = Math.max(0, this.#attemptsLeft - 1);
    this.#issued = { challenge, issuedAt: now, startedAt: null };
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
    if (to !== 'referred') return;
    this.#wipeCapture();
    this.#issued = null;
  }

  wipe(): void {
    this.#wipeCapture();
    this.#issued = null;
    this.#attemptsLeft = this.attempts;
  }

  #wipeCapture(): void {
    if (!this.#capture) return;
    for (const frame of this.#capture.frames) frame.jpeg.fill(0);
    this.#capture.still.jpeg.fill(0);
    this.#capture = null;
  }
}
