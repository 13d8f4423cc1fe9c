// What a PC/SC failure means at a booth, as a CardError. Pure: it takes the
// binding's error classes as a parameter (the binding itself is loaded only
// on first use), so the mapping is tested with errors shaped like the
// `smartcard` package's, for the faults vpcd cannot make (a card that cannot
// be powered or stays mute at connect).
// Codes: pcsc-lite's pcsclite.h / Microsoft's WinSCard SCARD_E_* and SCARD_W_*.
import { CardError } from '../errors';
import type { SmartcardModule } from './smartcardBinding';

export type PcscErrorClasses = Pick<
  SmartcardModule,
  'PCSCError' | 'CardRemovedError' | 'TimeoutError' | 'NoReadersError' | 'ServiceNotRunningError'
>;

/** Which slot a connection is for: the citizen's card, or the booth's SAM. */
export type PcscRole = 'card' | 'SAM';

const errorText = (error: unknown) => String((error as Error)?.message ?? '').slice(0, 60);
const pcscCode = (error: unknown, classes: PcscErrorClasses) => (error instanceof classes.PCSCError ? error.code >>> 0 : undefined);

/**
 * What is wrong with a card that is there, or undefined when the failure is
 * not the card's. At connect, "unresponsive" means a card that cannot be
 * powered; mid-read it means a contactless card leaving the field
 * (CARD_REMOVED), so it counts only at connect.
 */
export function cardFault(error: unknown, connecting: boolean, classes: PcscErrorClasses): string | undefined {
  const code = pcscCode(error, classes);
  const text = errorText(error);
  // SCARD_E_PROTO_MISMATCH, SCARD_E_INVALID_ATR, SCARD_W_UNSUPPORTED_CARD, SCARD_E_CARD_UNSUPPORTED, SCARD_E_UNKNOWN_CARD.
  if (code === 0x8010000f || /protocol mismatch/i.test(text)) return 'it speaks a protocol the reader does not (T=0 or T=1 expected)';
  if (
    code === 0x80100015 ||
    code === 0x80100065 ||
    code === 0x8010001c ||
    code === 0x8010000d ||
    /invalid atr|not supported|unsupported|unknown card/i.test(text)
  )
    return 'its answer to reset is not one the reader can use';
  // SCARD_E_INSUFFICIENT_BUFFER: more than a short response (256 data bytes + SW1 SW2).
  if (code === 0x80100008 || /insufficient buffer/i.test(text)) return 'it answered more than 258 bytes, beyond any short APDU response';
  // SCARD_W_UNPOWERED_CARD, SCARD_W_UNRESPONSIVE_CARD.
  if (code === 0x80100067 || /unpowered/i.test(text)) return 'it cannot be powered';
  if (connecting && (code === 0x80100066 || /unresponsive/i.test(text))) return 'it does not answer when powered';
  return undefined;
}

/** The CardError for a failed connect to a slot pcscd showed as holding a card. */
export function connectError(error: unknown, role: PcscRole, readerName: string, classes: PcscErrorClasses): CardError {
  const absent =
    role === 'SAM' ? new CardError('SAM_MISSING', 'No SAM in the SAM slot.') : new CardError('NO_CARD', 'No card on the reader.');
  const code = pcscCode(error, classes);
  // SCARD_E_NO_SMARTCARD (0x8010000C), SCARD_W_REMOVED_CARD (0x80100069): the card left between the status and the connect.
  if (code === 0x8010000c || code === 0x80100069 || error instanceof classes.CardRemovedError || /no smart ?card/i.test(errorText(error)))
    return absent;
  // pcscd sees a card in the slot: one that cannot be powered (mute) or answers an ATR the reader cannot use.
  const fault = cardFault(error, true, classes);
  if (fault)
    return new CardError(
      role === 'SAM' ? 'SAM_MISSING' : 'UNREADABLE_CARD',
      `The ${role} on ${readerName} cannot be used: ${fault}.`,
      errorText(error),
    );
  return toCardError(error, `connecting to ${readerName}`, classes);
}

/** The CardError for a failed exchange (APDU) with the card or the SAM. */
export function transmitError(error: unknown, role: PcscRole, classes: PcscErrorClasses): CardError {
  const fault = cardFault(error, false, classes);
  if (fault)
    return new CardError(role === 'SAM' ? 'SAM_MISSING' : 'UNREADABLE_CARD', `The ${role} cannot be read: ${fault}.`, errorText(error));
  return toCardError(error, `talking to the ${role}`, classes);
}

/** Any other PC/SC failure: the card gone, the service or reader gone, or (unknown) the reader, with the code in the detail. */
export function toCardError(error: unknown, doing: string, classes: PcscErrorClasses): CardError {
  if (error instanceof CardError) return error;
  if (error instanceof classes.CardRemovedError) return new CardError('CARD_REMOVED', 'The card left the reader during the read.');
  if (error instanceof classes.ServiceNotRunningError) return new CardError('NO_READER', 'The PC/SC service (pcscd) is not running.');
  if (error instanceof classes.NoReadersError) return new CardError('NO_READER', 'No PC/SC reader is attached.');
  if (error instanceof classes.TimeoutError) return new CardError('TIMEOUT', `The reader timed out while ${doing}.`);
  const code = pcscCode(error, classes);
  // SCARD_W_REMOVED_CARD, SCARD_W_RESET_CARD.
  if (code === 0x80100069 || code === 0x80100068)
    return new CardError('CARD_REMOVED', 'The card left the reader during the read.', code.toString(16));
  // SCARD_E_NO_SERVICE, SCARD_E_NO_READERS_AVAILABLE.
  if (code === 0x8010001d || code === 0x8010002e)
    return new CardError('NO_READER', 'The PC/SC service (pcscd) is not running.', code.toString(16));
  // The binding reports some failures as plain Errors carrying pcsc-lite's text.
  const text = String((error as Error)?.message ?? '');
  // SCARD_W_REMOVED_CARD, and SCARD_E_NOT_TRANSACTED: a contactless card leaving the field mid-APDU.
  // "No smart card present", "Card was reset", "Card is unresponsive" and communication errors
  // mean the same at a booth: the contactless card left (or slid across) the field.
  if (/card was removed|removed card|transaction failed|no smart ?card|card was reset|unresponsive|communication error/i.test(text)) {
    return new CardError('CARD_REMOVED', 'The card left the reader during the read.', text.slice(0, 60));
  }
  if (/service not available|no service|not running/i.test(text))
    return new CardError('NO_READER', 'The PC/SC service (pcscd) is not running.', text.slice(0, 60));
  return new CardError('NO_READER', `PC/SC failed while ${doing}.`, code?.toString(16) ?? text.slice(0, 60));
}
