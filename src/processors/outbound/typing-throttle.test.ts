import { TypingThrottle } from './typing-throttle';

describe('TypingThrottle', () => {
  it('lets one indicator per conversation through per interval', () => {
    let now = 1_000;
    const throttle = new TypingThrottle(5_000, 100, () => now);
    expect([1, 2, 3, 4, 5].map(() => throttle.take('t:conv-1'))).toEqual([true, false, false, false, false]);
    now += 4_999;
    expect(throttle.take('t:conv-1')).toBe(false);
    now += 1;
    expect(throttle.take('t:conv-1')).toBe(true);
  });

  it('keeps conversations apart', () => {
    const throttle = new TypingThrottle(5_000, 100, () => 0);
    expect(throttle.take('t:conv-1')).toBe(true);
    expect(throttle.take('t:conv-2')).toBe(true);
    expect(throttle.take('u:conv-1')).toBe(true);
  });

  it('forgets the least recently used conversation when full', () => {
    const throttle = new TypingThrottle(5_000, 2, () => 0);
    throttle.take('a');
    throttle.take('b');
    throttle.take('c');
    expect(throttle.take('a')).toBe(true);
    expect(throttle.take('c')).toBe(false);
  });
});
