// One card read with a deadline, shared by the booth's card step and the
// technician's `booth card read`: the deadline and an outside signal (back,
// cancel, shutdown) abort the read on the reader, and a readout that still
// arrives after its caller gave up has its images zeroed here.
import { abortError, untilAborted } from './abort';
import { zeroReadout, type CardReadout } from './ektp/readEktp';
import { CardError } from './errors';

/** Longest a whole card read may take before the booth gives up (a card or reader that stopped answering). */
export const CARD_READ_DEADLINE_MS = 20_000;

/** The configured deadline (devices.card.readDeadlineMs), or the default. */
export function cardReadDeadlineMs(card: { driver: string; readDeadlineMs?: number }): number {
  return card.readDeadlineMs ?? CARD_READ_DEADLINE_MS;
}

export interface DeadlineRead {
  /** The readout, or the failure: TIMEOUT at the deadline, CANCELLED (or the caller's reason) when the caller's signal fires. */
  outcome: Promise<CardReadout>;
  /** Resolves once the read has really ended on the reader (after `outcome` when the deadline or an abort cut it short). */
  ended: Promise<void>;
  /** True once the read has really ended. */
  readonly hasEnded: boolean;
}

/**
 * Runs one read with a deadline and an optional outside signal (back,
 * cancel, shutdown), both passed down to the reader as one AbortSignal.
 * The caller answers from `outcome` and holds the reader until `ended`:
 * a transport that cannot be interrupted (a PC/SC transmit in flight) keeps
 * the reader busy, and a second read must not start beside it.
 */
export function readWithDeadline(
  read: (signal: AbortSignal) => Promise<CardReadout>,
  { deadlineMs, signal }: { deadlineMs: number; signal?: AbortSignal },
): DeadlineRead {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new CardError('TIMEOUT', `The card read did not finish within ${deadlineMs / 1000} s.`)),
    deadlineMs,
  );
  const forward = () => {
    if (signal) controller.abort(abortError(signal));
  };
  if (signal?.aborted) forward();
  else signal?.addEventListener('abort', forward, { once: true });

  let hasEnded = false;
  const reading = Promise.resolve().then(() => read(controller.signal));
  const outcome = untilAborted(reading, controller.signal);
  reading.then(
    (readout) => {
      hasEnded = true;
      // The caller gave up before this readout came (outcome rejected at the abort): nobody takes it, so wipe its photo now.
      if (controller.signal.aborted) zeroReadout(readout);
    },
    () => {
      hasEnded = true;
    },
  );
  const ended = reading.then(
    () => undefined,
    () => undefined,
  );
  void ended.then(() => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forward);
  });
  return {
    outcome,
    ended,
    get hasEnded() {
      return hasEnded;
    },
  };
}
