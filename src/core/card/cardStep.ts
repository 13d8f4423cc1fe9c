// The card step: watches the reader while the citizen is at this step (the
// screen reads a card as soon as it is placed), reads the e-KTP, checks the
// chip's NIK, keeps the readout in the session's card part and shows the
// citizen the name and NIK to confirm. All of the step's rules live here:
// one read at a time (a read cut short keeps the reader until it has really
// ended), the booth's read deadline, the attempts (counted per placement of
// a card), the stop on back, cancel or wipe, the latch that keeps a SAM
// which refused PCID/CONF from being tried again, and when the citizen is
// referred to the service desk: after the last attempt (a card not theirs,
// unreadable or not genuine), or at once when this booth cannot read any
// card (no reader configured, the SAM refused the booth).
import type { AnswerOf } from '../../shared/contract/contract';
import type { BoothHandlers } from '../../shared/contract/dispatch';
import { STILL_READING } from '../../shared/contract/reasons';
import { fail, ok } from '../../shared/contract/result';
import type { SessionSnapshot } from '../../shared/contract/schemas';
import { checkNik } from '../../shared/identity/nik';
import type { BoothEvents } from '../booth';
import type { Logger } from '../logging';
import type { CitizenSession } from '../session';
import { CardSession } from './cardSession';
import { readWithDeadline, type DeadlineRead } from './deadline';
import type { ReferralReason } from '../../shared/journey/machine';
import { zeroReadout, type CardReadout } from './ektp/readEktp';
import { isPictureError } from '../pictures';
import { chipPhotoForDisplay } from './chipPhoto';
import { isCardError, type CardErrorCode } from './errors';
import type { CardReader } from './reader';

export interface CardStepOptions {
  /** The reader configuration chose; null: the booth has none and the step says so. */
  reader: CardReader | null;
  session: CitizenSession;
  events: BoothEvents;
  logger: Logger;
  /** The booth's own limit on one read (devices.card.readDeadlineMs). */
  deadlineMs: number;
}

export interface CardStep {
  available: boolean;
  reader: CardReader | null;
  /** The card step's share of the session (the matched readout, the attempts left). */
  part: CardSession;
  handlers: Pick<BoothHandlers, 'card.read' | 'card.confirm' | 'card.reject' | 'card.photo'>;
  /** Stops a read under way and closes the reader. */
  dispose(): Promise<void>;
}

/** How often the reader is asked whether a card lies on it, while a citizen is at the card step. */
const WATCH_INTERVAL_MS = 300;

/** Card faults that say the card itself cannot be used here: each uses an attempt, and the last refers the citizen. */
const cardFaultReferrals: Partial<Record<CardErrorCode, ReferralReason>> = {
  UNREADABLE_CARD: 'card-unreadable',
  TOO_LARGE: 'card-unreadable',
  ENDLESS_MORE_DATA: 'card-unreadable',
  AUTH_FAILED: 'card-not-genuine',
};

export function createCardStep({ reader, session, events, logger, deadlineMs }: CardStepOptions): CardStep {
  const part = new CardSession();
  session.attach(part);
  /** The read under way, until it has really ended on the reader (not only until the citizen got an answer). */
  let cardRead: DeadlineRead | null = null;
  let stopCardRead: (() => void) | null = null;
  /** After the SAM refuses PCID/CONF, no read may try again: each try counts towards blocking it. */
  let samRefusal: { message: string; detail?: string } | null = null;

  /**
   * Takes a readout: its NIK must be a NIK (the structural check the citizen's typing once had to pass); a chip whose NIK is not
   * is treated as unreadable. The citizen then confirms the name and NIK shown.
   */
  function acceptReadout(readout: CardReadout): AnswerOf<'card.read'> {
    const guard = session.requireStep('card');
    if (guard) return guard;
    const check = checkNik(readout.nik);
    if (!check.valid) {
      zeroReadout(readout);
      if (part.useAttempt()) session.refer('card-unreadable', 'NIK_INVALID');
      else session.partChanged();
      return fail('CARD_FAILED', `The chip's NIK is not a valid NIK (${check.reason}).`, { reason: 'NIK_INVALID' });
    }
    part.keep(readout);
    return session.advance({ type: 'cardRead', chip: { name: readout.biodata.name, nik: readout.nik } });
  }

  /** "This is not my card": the readout is zeroed and the citizen may place their own; the last attempt refers them. */
  function rejectCard(): AnswerOf<'card.reject'> {
    const guard = session.requireStep('card');
    if (guard) return guard;
    if (!session.journey()!.chip) return fail('WRONG_STEP', 'No card has been read to reject.');
    if (part.reject()) return session.refer('card-not-confirmed');
    return session.advance({ type: 'cardRejected' });
  }

  /** The photo of the card shown to confirm (the readout stays in the core; the page gets a JPEG the core made). */
  async function photoOfCardShown(): Promise<AnswerOf<'card.photo'>> {
    const guard = session.requireStep('card');
    if (guard) return guard;
    const readout = part.readout;
    if (!readout || !session.journey()!.chip) return fail('WRONG_STEP', 'No card has been read to show.');
    try {
      return ok(await chipPhotoForDisplay(readout.photo));
    } catch (error) {
      if (!isPictureError(error)) throw error;
      logger.warn({ event: 'card.photo_unreadable', code: error.code }, 'the chip photo cannot be decoded');
      return fail('CARD_FAILED', `The chip's photo cannot be shown: ${error.message}`, { reason: 'PHOTO_UNREADABLE' });
    }
  }

  // The reader is watched while a session is at the card step: the screen hears a card placed or lifted (card.presence) and
  // reads it at once, and the part counts placements for the attempts.
  let stopWatch: (() => void) | null = null;
  const watchWhileAtCard = (atCard: boolean) => {
    if (atCard && !stopWatch && reader) {
      let present = false;
      stopWatch = reader.watch((presence) => {
        const cardPresent = presence.reader === 'present' && presence.cardPresent;
        if (cardPresent && !present) part.cardPlaced();
        present = cardPresent;
        events.emit('card.presence', { reader: presence.reader, cardPresent });
      }, WATCH_INTERVAL_MS);
    } else if (!atCard && stopWatch) {
      stopWatch();
      stopWatch = null;
    }
  };
  events.subscribe((event, payload) => {
    if (event === 'session.changed') watchWhileAtCard((payload as SessionSnapshot | null)?.step === 'card');
    else if (event === 'session.wiped') watchWhileAtCard(false);
  });

  async function readCard(): Promise<AnswerOf<'card.read'>> {
    const guard = session.requireStep('card');
    if (guard) return guard;
    const before = session.snapshot()!;
    if (before.chip) return ok(before); // already read: removing the card afterwards loses nothing
    if (!reader) {
      session.refer('card-reader-unavailable', 'NO_READER');
      return fail('STEP_UNAVAILABLE', 'This booth has no e-KTP reader configured.');
    }
    // A read cut short (deadline, back) may still hold the reader: a PC/SC exchange with a silent card ends only when the card
    // answers or is lifted.
    if (cardRead)
      return fail('BUSY', 'The card is still being read; lift the card and put it back, or wait a moment.', { reason: STILL_READING });
    if (samRefusal) {
      session.refer('card-reader-unavailable', 'SAM_LOCKED');
      return fail('CARD_FAILED', samRefusal.message, { reason: 'SAM_LOCKED' });
    }
    const started = Date.now();
    // Back, cancel, a wipe or shutdown stop the read on the reader, not only the wait for it.
    const stop = new AbortController();
    const unsubscribe = events.subscribe((event, payload) => {
      const snapshot = event === 'session.changed' ? (payload as SessionSnapshot | null) : undefined;
      if (
        event === 'session.wiped' ||
        (event === 'session.changed' && (snapshot?.sessionId !== before.sessionId || snapshot.step !== 'card'))
      )
        stop.abort();
    });
    const run = readWithDeadline(
      (signal) =>
        reader.read((stage, fraction) => {
          if (!signal.aborted) events.emit('card.progress', { stage, fraction: Math.min(1, Math.max(0, fraction)) });
        }, signal),
      { deadlineMs, signal: stop.signal },
    );
    cardRead = run;
    stopCardRead = () => stop.abort();
    // The reader stays busy until the read has really ended: a second read never runs beside it.
    const release = () => {
      unsubscribe();
      if (cardRead === run) {
        cardRead = null;
        stopCardRead = null;
      }
    };
    try {
      const readout = await run.outcome;
      // The session is still this one, at the card step: a wipe, a new session or any step change aborts the
      // read first (stop, above), the citizen gets CANCELLED's WRONG_STEP or NO_SESSION below, and a readout
      // that still arrives is zeroed in readWithDeadline. A NIK mismatch is zeroed by the card part.
      const result = acceptReadout(readout);
      logger.info(
        {
          event: 'card.read',
          driver: reader.driver,
          ms: Date.now() - started,
          matched: result.ok,
          reason: result.ok ? undefined : result.error.reason,
        },
        'card read',
      );
      return result;
    } catch (error) {
      if (!isCardError(error)) throw error;
      logger.warn(
        { event: 'card.failed', driver: reader.driver, code: error.code, detail: error.detail, ms: Date.now() - started },
        'card read failed',
      );
      if (error.code === 'CANCELLED') return session.requireStep('card') ?? fail('CARD_FAILED', error.message, { reason: error.code });
      if (error.code === 'SAM_LOCKED') {
        samRefusal = { message: `${error.message} Reads are stopped until the booth is provisioned again.`, detail: error.detail };
        logger.error({ event: 'card.sam_refused', detail: error.detail }, 'SAM refused PCID/CONF: card reading stopped to protect the SAM');
        if (!session.requireStep('card')) session.refer('card-reader-unavailable', 'SAM_LOCKED');
        return fail('CARD_FAILED', error.message, { reason: error.code });
      }
      const referral = cardFaultReferrals[error.code];
      if (referral && !session.requireStep('card')) {
        if (part.useAttempt()) session.refer(referral, error.code);
        else session.partChanged();
      }
      return fail('CARD_FAILED', error.message, { reason: error.code });
    } finally {
      if (run.hasEnded) release();
      else void run.ended.then(release);
    }
  }

  return {
    available: reader !== null,
    reader,
    part,
    handlers: {
      'card.read': () => readCard(),
      'card.confirm': () => session.advance({ type: 'cardConfirmed' }),
      'card.reject': () => rejectCard(),
      'card.photo': () => photoOfCardShown(),
    },
    dispose: async () => {
      watchWhileAtCard(false);
      stopCardRead?.();
      // A PC/SC exchange stuck on a silent card ends only when the card is lifted: wait a little, not for ever.
      // A process that then exits with it still stuck ends by SIGTERM (pcsc/stuckCalls.ts), never hangs.
      if (cardRead) await Promise.race([cardRead.ended, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
      await reader?.close();
    },
  };
}
