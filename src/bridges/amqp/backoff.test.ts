import { backoffDelay } from './backoff';

const options = { initialMs: 100, maxMs: 5000 };

describe('backoffDelay', () => {
  it('doubles from the initial delay', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, options, () => 1))).toEqual([
      100, 200, 400, 800,
    ]);
  });

  it('never exceeds the ceiling, however many attempts failed', () => {
    expect(backoffDelay(7, options, () => 1)).toBe(5000);
    expect(backoffDelay(10_000, options, () => 1)).toBe(5000);
  });

  it('spreads delays over the upper half of the step', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(200);
    expect(backoffDelay(3, options, () => 0.5)).toBe(300);
  });
});
