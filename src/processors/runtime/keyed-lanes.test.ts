import { KeyedLanes } from './keyed-lanes';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('KeyedLanes', () => {
  it('runs tasks of one key in order, one at a time', async () => {
    const lanes = new KeyedLanes();
    const log: string[] = [];
    const gate = deferred();
    const first = lanes.run('conv-a', async () => {
      log.push('a1 start');
      await gate.promise;
      log.push('a1 end');
    });
    const second = lanes.run('conv-a', async () => {
      log.push('a2');
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['a1 start']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(log).toEqual(['a1 start', 'a1 end', 'a2']);
  });

  it('lets another key run while one key waits', async () => {
    const lanes = new KeyedLanes();
    const gate = deferred();
    const log: string[] = [];
    const blocked = lanes.run('conv-a', () => gate.promise.then(() => void log.push('a')));
    await lanes.run('conv-b', async () => void log.push('b'));
    expect(log).toEqual(['b']);
    gate.resolve();
    await blocked;
    expect(log).toEqual(['b', 'a']);
  });

  it('keeps the lane going after a task fails', async () => {
    const lanes = new KeyedLanes();
    await expect(lanes.run('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lanes.run('k', async () => undefined)).resolves.toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(lanes.activeKeys).toBe(0);
  });
});
