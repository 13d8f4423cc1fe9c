// A SessionClock that moves only when a test says so: the core's session
// expiry and presence cap driven by hand, with no real waiting.
import type { SessionClock } from '../../src/core/session/session';

export class ManualClock implements SessionClock {
  time = 1_000_000;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();
  #next = 1;

  now = () => this.time;

  setTimeout = (callback: () => void, ms: number) => {
    this.#timers.set(this.#next, { at: this.time + ms, callback });
    return this.#next++;
  };

  clearTimeout = (handle: unknown) => void this.#timers.delete(handle as number);

  /** Moves time on and runs every timer that came due, in the order they were set. */
  advance(ms: number): void {
    this.time += ms;
    for (const [handle, timer] of [...this.#timers]) {
      if (timer.at > this.time) continue;
      this.#timers.delete(handle);
      timer.callback();
    }
  }
}
