// The card step's share of a citizen's session: the chip readout (photo
// included, kept for the face match and never in a snapshot) and the reads
// left before the step ends. The readout is zeroed here and only here: when
// the citizen says the card is not theirs, when the journey goes back before
// the card step, when it ends at the service desk, and when the session is
// wiped.
//
// Attempts count per placement of a card: a read that fails, or a card the
// citizen rejects, uses one attempt, but another failure before the card is
// lifted and placed again uses none. Reading the same card again, with
// nothing changed, must not use up what the citizen needs for another card.
import type { SessionPart } from '../session';
import { journeyPath, type JourneyStep } from '../../shared/journey/machine';
import { zeroReadout, type CardReadout } from './ektp/readEktp';

/**
 * Cards that may go wrong before the citizen is referred to the service desk: a card the citizen says is not theirs, or one that
 * cannot be read or confirmed genuine (a card fault the citizen can only mend by bringing another card).
 */
export const CARD_ATTEMPTS = 3;

export class CardSession implements SessionPart<{ cardAttemptsLeft: number }> {
  #readout: CardReadout | null = null;
  #attemptsLeft = CARD_ATTEMPTS;
  /** Which placement of a card is on the reader (counted by the reader's watch); null while no watch has said. */
  #placement: number | null = null;
  /** The placement whose failure last used an attempt. */
  #countedPlacement: number | null = null;

  /** The card's readout, for the confirmation and the face step (null before a read). */
  get readout(): CardReadout | null {
    return this.#readout;
  }

  get attemptsLeft(): number {
    return this.#attemptsLeft;
  }

  snapshot(): { cardAttemptsLeft: number } {
    return { cardAttemptsLeft: this.#attemptsLeft };
  }

  /** The reader's watch saw a card put on it: a new card, or the same one placed again. */
  cardPlaced(): void {
    this.#placement = (this.#placement ?? 0) + 1;
  }

  /** Keeps a readout. */
  keep(readout: CardReadout): void {
    if (this.#readout !== readout) zeroReadout(this.#readout);
    this.#readout = readout;
  }

  /** The citizen says the card shown is not theirs: the readout is zeroed at once. Returns whether it used the last attempt. */
  reject(): boolean {
    this.#forget();
    return this.useAttempt();
  }

  /**
   * A read that went wrong in a way that counts (see CARD_ATTEMPTS), or a rejected card. Uses an attempt unless one was already
   * used for this placement of the card (without a watch every failure counts). Returns whether no attempt is left.
   */
  useAttempt(): boolean {
    if (this.#placement === null || this.#countedPlacement !== this.#placement) {
      this.#attemptsLeft = Math.max(0, this.#attemptsLeft - 1);
      this.#countedPlacement = this.#placement;
    }
    return this.#attemptsLeft === 0;
  }

  /**
   * Going back from the card step (to the consent), or the journey ending at the desk: the readout is of no more use. On to the
   * later steps it stays, for the face match.
   */
  stepChanged(from: JourneyStep, to: JourneyStep): void {
    const beforeCard = journeyPath.indexOf(to as (typeof journeyPath)[number]) < journeyPath.indexOf('card');
    // Also once the enrollment is saved (sign-off): the chip's data is sealed in the vault, and nothing later needs it here.
    if ((from === 'card' && beforeCard) || to === 'referred' || to === 'signoff') this.#forget();
  }

  wipe(): void {
    this.#forget();
    this.#attemptsLeft = CARD_ATTEMPTS;
    this.#placement = null;
    this.#countedPlacement = null;
  }

  #forget(): void {
    zeroReadout(this.#readout);
    this.#readout = null;
  }
}
