// Keeps guidance prompts from flickering: a new prompt must be wanted for
// `settleMs` before it replaces the one shown, and a shown prompt stays at
// least `minShowMs` so it can be read.

export interface DebouncerOptions {
  settleMs: number;
  minShowMs: number;
}

export class PromptDebouncer<P extends string> {
  #shown: P;
  #shownSince: number;
  #candidate: P | null = null;
  #candidateSince = 0;

  constructor(
    initial: P,
    private readonly options: DebouncerOptions,
    now = 0,
  ) {
    this.#shown = initial;
    this.#shownSince = now;
  }

  get shown(): P {
    return this.#shown;
  }

  /** Feeds the prompt this frame wants; returns the prompt to show. */
  update(wanted: P, now: number): P {
    if (wanted === this.#shown) {
      this.#candidate = null;
      return this.#shown;
    }
    if (wanted !== this.#candidate) {
      this.#candidate = wanted;
      this.#candidateSince = now;
    }
    const settled = now - this.#candidateSince >= this.options.settleMs;
    const readable = now - this.#shownSince >= this.options.minShowMs;
    if (settled && readable) {
      this.#shown = wanted;
      this.#shownSince = now;
      this.#candidate = null;
    }
    return this.#shown;
  }

  reset(prompt: P, now: number): void {
    this.#shown = prompt;
    this.#shownSince = now;
    this.#candidate = null;
  }
}
