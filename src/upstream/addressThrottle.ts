// Failures counted per client address in a sliding window: past the limit,
// that address waits until its oldest failure leaves the window, whatever
// account or code it tries. Kept in memory (per upstream process); the map
// forgets addresses that went quiet.
export const ADDRESS_WINDOW_MS = 10 * 60_000;
export const ADDRESS_MAX_FAILURES = 20;

export class AddressThrottle {
  readonly #failures = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  /** Seconds this address must wait, or 0. */
  wait(address: string): number {
    const now = this.now();
    const recent = (this.#failures.get(address) ?? []).filter((at) => now - at < ADDRESS_WINDOW_MS);
    this.#failures.set(address, recent);
    return recent.length >= ADDRESS_MAX_FAILURES ? Math.ceil((recent[0]! + ADDRESS_WINDOW_MS - now) / 1000) : 0;
  }

  failed(address: string): void {
    const now = this.now();
    this.#failures.set(address, [...(this.#failures.get(address) ?? []), now]);
    if (this.#failures.size > 10_000)
      for (const [key, times] of this.#failures) if (times.every((at) => now - at >= ADDRESS_WINDOW_MS)) this.#failures.delete(key);
  }
}
