import { parseRetryAfter } from './retry-after';

describe('parseRetryAfter', () => {
  it('reads delay-seconds as milliseconds', () => expect(parseRetryAfter('7')).toBe(7000));

  it('reads an HTTP-date relative to now', () =>
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('2015-10-21T07:28:00Z'))).toBe(
      30_000,
    ));

  it('never answers a negative delay for a date in the past', () =>
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('2015-10-21T08:00:00Z'))).toBe(0));

  it('ignores an absent or unreadable header', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-3')).toBeUndefined();
  });
});
