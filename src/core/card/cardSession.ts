// The card step's share of a citizen's session: the chip readout matched to
// the typed NIK (photo included, kept for the face match and never in a
// snapshot) and the reads left before the step ends. The readout is zeroed
// here and only here: on a mismatch, when the journey leaves the card step
// backwards, when it ends at the service desk, and when the session is wiped.
import type { SessionPart } from '../session';
import type { JourneyStep } from '../../shared/journey/machine';
import { zeroReadout, type CardReadout } from './ektp/readEktp';

/**
 * Card reads that may go wrong before the citizen is referred to the service desk: a NIK that differs from the typed one, or a
 * card that cannot be read or confirmed genuine (a card fault the citizen can only mend by bringing another card).
 */
export const CARD_ATTEMPTS = 3;

export class CardSession implements SessionPart<{ cardAttemptsLeft: number }> {
  #readout: CardReadout | null = null;
  #attemptsLeft = CARD_ATTEMPTS;

  /** The matched readout, for the face step (null before a matched read). */
  get readout(): CardReadout | null {
    return this.#readout;
  }

  get attemptsLeft(): number {
    return this.#attemptsLeft;
  }

  snapshot(): { cardAttemptsLeft: number } {
    return { cardAttemptsLeft: this.#attemptsLeft };
  }

  /** Keeps a readout whose NIK matched. */
  keep(readout: CardReadout): void {
    if (this.#readout !== readout) zeroReadout(this.#readout);
    this.#readout = readout;
  }

  /** A readout whose NIK did not match: zeroed at once, and one attempt used. Returns whether it was the last. */
  refuse(readout: CardReadout): boolean {
    zeroReadout(readout);
    return this.useAttempt();
  }

  /** A read that went wrong in a way that counts (see CARD_ATTEMPTS). Returns whether it was the last attempt. */
  useAttempt(): boolean {
    this.#attemptsLeft = Math.max(0, this.#attemptsLeft - 1);
    return this.#attemptsLeft === 0;
  }

  /** Going back from the card step (not on to the face step), or the journey ending at the desk: the readout is of no more use. */
  stepChanged(from: JourneyStep, to: JourneyStep): void {
    if ((from === 'card' && to !== 'card' && to !== 'face') || to === 'referred') this.#forget();
  }

  wipe(): void {
    this.#forget();
    this.#attemptsLeft = CARD_ATTEMPTS;
  }

  #forget(): void {
    zeroReadout(this.#readout);
    this.#readout = null;
  }
}
