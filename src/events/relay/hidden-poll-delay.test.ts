import { hiddenPollDelay } from './hidden-poll-delay';

describe('hiddenPollDelay', () => {
  it('looks again after 2 ms the first time events are hidden', () => {
    expect(hiddenPollDelay(0)).toBe(2);
  });

  it('doubles while they stay hidden', () => {
    expect([1, 2, 3, 4, 5].map(hiddenPollDelay)).toEqual([4, 8, 16, 32, 64]);
  });

  it('never waits longer than 100 ms, however long they stay hidden', () => {
    expect(hiddenPollDelay(6)).toBe(100);
    expect(hiddenPollDelay(1_000_000)).toBe(100);
  });
});
