// A step's share of the citizen's session. Each capability keeps its own
// state for a session (the card step the chip readout and its attempts, the
// face step the challenge and the capture) in a part; the session runs the
// journey machine and asks every part for its snapshot fields, tells it when
// the journey moves, and wipes it with the session. So a new step adds a
// part, not fields and zeroing code to the session.
import type { SessionSnapshot } from '../../shared/contract/schemas';
import type { JourneyStep } from '../../shared/journey/machine';

/** The snapshot fields that belong to steps rather than to the journey itself. */
export type StepFields = Pick<SessionSnapshot, 'cardAttemptsLeft' | 'faceAttemptsLeft' | 'faceCaptured' | 'faceMatchesLeft'>;

export interface SessionPart<F extends Partial<StepFields> = Partial<StepFields>> {
  /** This part's fields of the citizen's snapshot. */
  snapshot(): F;
  /** The journey moved from one step to another (a part forgets what the move makes stale). */
  stepChanged?(from: JourneyStep, to: JourneyStep): void;
  /** Drops and zeroes everything the part holds, ready for the next citizen. */
  wipe(): void;
}
