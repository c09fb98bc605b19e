import { everyScope, FaultBook, type Fault } from './fault-book';

const fail = (status: number): Fault => ({ kind: 'fail', status, body: '', headers: {}, delayMs: 0 });

describe('FaultBook', () => {
  it('hands out a fault as many times as planned, then none', () => {
    const book = new FaultBook();
    book.plan(everyScope, fail(500), 2);
    expect(book.take([everyScope])).toEqual(fail(500));
    expect(book.take([everyScope])).toEqual(fail(500));
    expect(book.take([everyScope])).toBeUndefined();
  });

  it('keeps planned faults in order', () => {
    const book = new FaultBook();
    book.plan(everyScope, fail(500), 1);
    book.plan(everyScope, fail(503), 1);
    expect(book.take([everyScope])).toEqual(fail(500));
    expect(book.take([everyScope])).toEqual(fail(503));
  });

  it('never lets a fault for one scope hit another', () => {
    const book = new FaultBook();
    book.plan('phone-a', fail(429), 1);
    expect(book.take(['phone-b', everyScope])).toBeUndefined();
    expect(book.take(['phone-a', everyScope])).toEqual(fail(429));
  });

  it('prefers the most specific scope', () => {
    const book = new FaultBook();
    book.plan(everyScope, fail(500), 1);
    book.plan('phone-a', fail(429), 1);
    expect(book.take(['phone-a', everyScope])).toEqual(fail(429));
    expect(book.take(['phone-a', everyScope])).toEqual(fail(500));
  });

  it('reports the most specific latency, and none once cleared', () => {
    const book = new FaultBook();
    book.setLatency(everyScope, 50);
    book.setLatency('phone-a', 10);
    expect(book.latency(['phone-a', everyScope])).toBe(10);
    expect(book.latency(['phone-b', everyScope])).toBe(50);
    book.clear();
    expect(book.latency(['phone-a', everyScope])).toBe(0);
  });

  it('refuses a count below 1', () =>
    expect(() => new FaultBook().plan('x', fail(500), 0)).toThrow(RangeError));
});
