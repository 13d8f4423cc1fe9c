// Stopping a card read: the booth's deadline, the citizen going back or
// cancelling, the booth shutting down. One AbortSignal travels down the read
// flow; every APDU or module frame checks it before it is sent and stops
// waiting for its answer when it fires.
import type { ApduChannel } from './apdu/channel';
import { CardError } from './errors';

/** The CardError an aborted read ends with: the signal's reason when it is one (TIMEOUT at the deadline), else CANCELLED. */
export function abortError(signal: AbortSignal): CardError {
  return signal.reason instanceof CardError ? signal.reason : new CardError('CANCELLED', 'The card read was stopped.');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * Settles as `work` does, or rejects with the abort error as soon as the
 * signal fires. `work` itself is not stopped: the caller stops it (closes
 * the wait it is in) or lets it end on its own.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** A channel that sends nothing once the signal fired, and stops waiting for an answer when it fires mid-exchange. */
export function abortableChannel(channel: ApduChannel, signal: AbortSignal | undefined): ApduChannel {
  if (!signal) return channel;
  return {
    transmit: (command) => {
      throwIfAborted(signal);
      return untilAborted(channel.transmit(command), signal);
    },
  };
}
