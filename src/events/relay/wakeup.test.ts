import { Wakeup } from './wakeup';

describe('Wakeup', () => {
  it('ends a wait when signalled', async () => {
    const wakeup = new Wakeup();
    const started = Date.now();
    setTimeout(() => wakeup.signal(), 10);
    expect(await wakeup.wait(5000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('ends a wait after the timeout without a signal', async () => {
    const started = Date.now();
    expect(await new Wakeup().wait(30)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('keeps a signal given while nobody waits for the next wait only', async () => {
    const wakeup = new Wakeup();
    wakeup.signal();
    wakeup.signal();
    const started = Date.now();
    expect(await wakeup.wait(5000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(100);
    const second = Date.now();
    expect(await wakeup.wait(30)).toBe(false);
    expect(Date.now() - second).toBeGreaterThanOrEqual(25);
  });
});
