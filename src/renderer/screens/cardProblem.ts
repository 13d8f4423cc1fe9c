// Which message the card step shows for a failed read. Each way a card can
// fail has its own words and next step; only the booth's own faults (no
// reader, no SAM, a SAM that refuses the booth) share "the reader has a
// problem", since the citizen can do nothing about them but ask an officer.
import { cardReadReasons, STILL_READING } from '../../shared/contract/reasons';
import { isMessageKey, type MessageKey } from '../i18n';

const boothFaults = new Set(['NO_READER', 'SAM_MISSING', 'SAM_LOCKED']);

/** The message key for a card.read failure reason (a card error code, NIK_INVALID, REJECTED after "not my card", STILL_READING). */
export function cardProblemKey(reason: string): MessageKey {
  const key = `card.error.${reason}`;
  return !boothFaults.has(reason) && isMessageKey(key) ? key : 'card.error.READER';
}

/** Every reason a card read can fail with on screen: the card and reader errors, and the step's own. */
export const cardProblemReasons: readonly string[] = [...cardReadReasons, 'REJECTED', STILL_READING];

/** What is said for a failed read: the shown words, or their spoken form where those have a number (attempts left). */
export function spokenCardProblemKey(reason: string): MessageKey {
  const key = cardProblemKey(reason);
  const spoken = `speech.${key}`;
  return isMessageKey(spoken) ? spoken : key;
}
