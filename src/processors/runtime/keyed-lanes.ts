/**
 * Runs tasks one at a time per key and concurrently across keys: messages of one conversation stay in order while
 * a conversation that is waiting (Meta asked us to back off) does not hold up any other.
 */
export class KeyedLanes {
  private readonly tails = new Map<string, Promise<void>>();

  run(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  get activeKeys(): number {
    return this.tails.size;
  }
}
