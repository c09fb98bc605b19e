/**
 * Processing slots: how many handlers may be working at once. A handler that waits (a backoff, a reconciliation
 * window, a retry of a dependency that is down) gives its slot back while it waits, so that one tenant's 429 storm
 * or outage cannot occupy every slot and hold up the others; it takes a slot again, in turn, to go on.
 */
export class Slots {
  private used = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('size must be an integer >= 1');
  }

  async acquire(): Promise<void> {
    if (this.used < this.size) {
      this.used++;
      return;
    }
    // Handed over by release(): the count stays as it is.
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.used--;
  }

  /** Gives the slot back for the time `wait` takes, then queues for one again. */
  async whileWaiting<T>(wait: () => Promise<T>): Promise<T> {
    this.release();
    try {
      return await wait();
    } finally {
      await this.acquire();
    }
  }

  get inUse(): number {
    return this.used;
  }

  get waiting(): number {
    return this.queue.length;
  }
}
