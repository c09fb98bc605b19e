import { isTransientError } from './transient-errors';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isTransientError', () => {
  it.each([
    ['a lost connection', withCode('08006')],
    ['a serialization failure', withCode('40001')],
    ['a deadlock', withCode('40P01')],
    ['too many connections', withCode('53300')],
    ['an administrator shutdown', withCode('57P01')],
    ['a lock timeout', withCode('55P03')],
    ['a refused TCP connection', withCode('ECONNREFUSED')],
    ['a reset TCP connection', withCode('ECONNRESET')],
    ['node-postgres losing its connection mid-query', new Error('Connection terminated unexpectedly')],
  ])('retries %s', (_name, error) => {
    expect(isTransientError(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('23505')],
    ['a check violation', withCode('23514')],
    ['a syntax error', withCode('42601')],
    ['an invalid text representation', withCode('22P02')],
    ['a plain handler bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['something that is not an Error', 'boom'],
  ])('does not retry %s', (_name, error) => {
    expect(isTransientError(error)).toBe(false);
  });
});
