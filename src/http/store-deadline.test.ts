import { StoreDeadlineExceeded, withinDeadline } from './store-deadline';

describe('withinDeadline', () => {
  it('answers the work when it finishes in time', async () => {
    await expect(withinDeadline(Promise.resolve('stored'), 1000)).resolves.toBe('stored');
    await expect(withinDeadline(Promise.reject(new Error('refused')), 1000)).rejects.toThrow('refused');
  });

  it('gives up at the deadline on work that never finishes, and ignores its late failure', async () => {
    let fail: (error: Error) => void = () => undefined;
    const never = new Promise<string>((_, reject) => (fail = reject));
    const started = Date.now();
    await expect(withinDeadline(never, 50)).rejects.toBeInstanceOf(StoreDeadlineExceeded);
    expect(Date.now() - started).toBeLessThan(1000);
    fail(new Error('late')); // must not surface as an unhandled rejection
  });
});
