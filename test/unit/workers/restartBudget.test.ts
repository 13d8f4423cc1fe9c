// The restart budget is a sliding window: restarts are refused once `max`
// were taken within `windowMs`, and each is forgotten when it leaves the window.
import { describe, expect, it } from 'vitest';
import { createRestartBudget } from '../../../src/core/workers';

describe('restart budget', () => {
  it('allows max restarts within the window, then refuses', () => {
    let time = 0;
    const budget = createRestartBudget({ max: 2, windowMs: 1_000 }, () => time);
    expect(budget.take()).toBe(true);
    time = 400;
    expect(budget.take()).toBe(true);
    time = 999;
    expect(budget.take()).toBe(false);
    expect(budget.used).toBe(2);
  });

  it('forgets a restart once it leaves the window, one at a time', () => {
    let time = 0;
    const budget = createRestartBudget({ max: 2, windowMs: 1_000 }, () => time);
    budget.take();
    time = 500;
    budget.take();
    time = 1_000; // the first one (at 0) has left the window; the second (at 500) has not
    expect(budget.used).toBe(1);
    expect(budget.take()).toBe(true);
    expect(budget.take()).toBe(false);
  });

  it('with max 0 refuses every restart', () => {
    expect(createRestartBudget({ max: 0, windowMs: 1_000 }, () => 0).take()).toBe(false);
  });

  it.each([
    { max: -1, windowMs: 1_000 },
    { max: 1.5, windowMs: 1_000 },
    { max: 1, windowMs: 0 },
  ])('refuses a budget that makes no sense: %o', (options) => {
    expect(() => createRestartBudget(options)).toThrow(RangeError);
  });
});
