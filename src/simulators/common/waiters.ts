/**
 * Lets a test wait until a simulator has seen enough of something (messages, receipts) without polling:
 * every `notify()` re-checks the pending conditions.
 */
export class Waiters {
  private readonly pending = new Set<() => void>();

  waitFor<T>(read: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const ready = read();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = read();
        if (value === undefined) return;
        clearTimeout(timer);
        this.pending.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.pending.delete(check);
        reject(new Error(`gave up after ${timeoutMs} ms: ${describe()}`));
      }, timeoutMs);
      this.pending.add(check);
    });
  }

  notify(): void {
    for (const check of [...this.pending]) check();
  }
}
