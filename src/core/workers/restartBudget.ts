// How often a crashed worker may be started again: at most `max` restarts
// within any `windowMs`. A worker that crashes on every start (a broken
// module, a model that no longer loads) would otherwise be restarted in a
// tight loop for ever; past the budget the client gives up and answers
// UNAVAILABLE, and the technician sees why.

export interface RestartBudgetOptions {
  /** Restarts allowed within one window. 0 means a crash is final. */
  max: number;
  windowMs: number;
}

export const DEFAULT_RESTART_BUDGET: RestartBudgetOptions = { max: 3, windowMs: 60_000 };

export interface RestartBudget {
  /** Takes one restart if the window has one left; false means the budget is spent. */
  take(): boolean;
  /** Restarts taken within the current window. */
  readonly used: number;
}

/** A sliding window: each restart is forgotten `windowMs` after it was taken. */
export function createRestartBudget({ max, windowMs }: RestartBudgetOptions, now: () => number = Date.now): RestartBudget {
  if (!Number.isInteger(max) || max < 0) throw new RangeError(`restart budget: max must be a whole number >= 0, got ${max}`);
  if (!(windowMs > 0)) throw new RangeError(`restart budget: windowMs must be > 0, got ${windowMs}`);
  let taken: number[] = [];
  const forgetOld = () => {
    const since = now() - windowMs;
    taken = taken.filter((at) => at > since);
  };
  return {
    take() {
      forgetOld();
      if (taken.length >= max) return false;
      taken.push(now());
      return true;
    },
    get used() {
      forgetOld();
      return taken.length;
    },
  };
}
