import { withDeadline } from './deadline';

describe('withDeadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('gives up waiting once the deadline passed, whatever the work does', async () => {
    const result = withDeadline(new Promise(() => undefined), 5_000);
    jest.advanceTimersByTime(5_000);
    await expect(result).resolves.toEqual({ outcome: 'timeout' });
  });

  it('reports finished work, and a failure as finished with its error', async () => {
    await expect(withDeadline(Promise.resolve(1), 5_000)).resolves.toEqual({ outcome: 'done' });
    await expect(withDeadline(Promise.reject(new Error('no broker')), 5_000)).resolves.toEqual({
      outcome: 'done',
      error: new Error('no broker'),
    });
  });
});
