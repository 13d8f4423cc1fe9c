// The e-KTP card capability: readers (PC/SC with a SAM, serial and HID
// modules, emulators), the chip protocol, and the card step built on them.
export { CARD_ATTEMPTS, CardSession } from './cardSession';
export { createCardStep, type CardStep, type CardStepOptions } from './cardStep';
export { cardReadDeadlineMs, readWithDeadline, type DeadlineRead } from './deadline';
export { CardError, isCardError } from './errors';
export { zeroReadout, type CardReadout } from './ektp/readEktp';
export { createCardReader, type CardReader } from './reader';
