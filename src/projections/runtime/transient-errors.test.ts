import { runInNewContext } from 'node:vm';
import { ExpectedVersionConflict } from '../../events/store/types';
import { isTransientError, TransientError } from './transient-errors';

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
    ['a pool that found no connection in time', new Error('timeout exceeded when trying to connect')],
    ['a statement timeout', withCode('57014')],
    ['S3 asking to slow down', withCode('SlowDown')],
    ['S3 unavailable', withCode('ServiceUnavailable')],
    ['Redis with its connection closed', new Error('Connection is closed.')],
    ['a call aborted by its timeout', Object.assign(new Error('aborted'), { name: 'TimeoutError' })],
    ['fetch failing to connect', new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') })],
    ['a refused connection to every address', new AggregateError([withCode('ECONNREFUSED')], 'x')],
    [
      'a kafkajs error marked retriable',
      Object.assign(new Error('leader not available'), { retriable: true }),
    ],
    ['a failure its thrower knows is transient', new TransientError('Genesys answered 503')],
    ['a command that kept losing the race for its stream', new ExpectedVersionConflict('s-1', 4, 5)],
    [
      "a reset from Node's http module, whose Error is another realm's",
      runInNewContext("Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })") as unknown,
    ],
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
    ['S3 denying access', withCode('AccessDenied')],
    ['a secret that cannot be opened', new Error('Unsupported state or unable to authenticate data')],
  ])('does not retry %s', (_name, error) => {
    expect(isTransientError(error)).toBe(false);
  });
});
