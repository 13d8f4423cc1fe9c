// The ways reading a card can fail, as the booth reports them. Every parser
// and driver turns what went wrong into one of these; none of them throws
// anything else at the journey. The codes are listed with the contract
// (CARD_FAILED's reasons, src/shared/contract/reasons.ts): the screens see them too.
import type { CardErrorCode } from '../../shared/contract/reasons';

export { cardErrorCodes, type CardErrorCode } from '../../shared/contract/reasons';

/** An expected failure of a card read: code for the journey, detail for technicians (never PII). */
export class CardError extends Error {
  override readonly name = 'CardError';
  constructor(
    readonly code: CardErrorCode,
    message: string,
    /** Status word or other protocol detail, e.g. "63C2". */
    readonly detail?: string,
  ) {
    super(message);
  }
}

export function isCardError(error: unknown): error is CardError {
  return error instanceof CardError;
}

const advice: Record<CardErrorCode, string> = {
  NO_READER: 'check the reader cable and that pcscd (or the module) is running',
  NO_CARD: 'put a card on the reader',
  SAM_MISSING: "check that the SAM sits in the reader's SAM slot",
  SAM_LOCKED: 'check PCID and CONF in the provisioning; a blocked SAM goes back to Dukcapil',
  NOT_EKTP: 'the card is not an e-KTP',
  UNREADABLE_CARD:
    'a card is on the reader but it is not a readable e-KTP (no power-up, a protocol the reader does not speak, or answers outside ISO 7816); try another e-KTP: if that one reads, this card is damaged and Dukcapil replaces it',
  AUTH_FAILED: 'the SAM and the card did not accept each other (SAM of another issuer, or a damaged card)',
  CARD_REMOVED: 'keep the card on the reader until the read ends',
  TIMEOUT: 'the card or the reader stopped answering; lift the card and try again, and if every card times out, reconnect the reader',
  MALFORMED: 'the reader or card answered outside the protocol; try another card, then replace the reader',
  TOO_LARGE: 'the card declared data larger than an e-KTP holds',
  ENDLESS_MORE_DATA:
    'the card kept answering "more data" (61 xx) without end: a faulty chip; try another e-KTP, and if every card does this, replace the reader',
  CANCELLED: 'nothing to do: the read was stopped on purpose',
};

/** One line for technicians: the code, what happened, what to do. Never PII. */
export function describeCardError(error: CardError): string {
  return `${error.code}: ${error.message}${error.detail ? ` [${error.detail}]` : ''} (${advice[error.code]})`;
}
