/**
 * A wake-up call for a polling loop: `wait(ms)` ends after `ms` or as soon as `signal()` is called. A signal given
 * while nobody waits is kept for the next wait, so a NOTIFY that arrives mid-batch is not lost.
 */
export class Wakeup {
  private pending = false;
  private wake: (() => void) | null = null;

  signal(): void {
    if (this.wake) this.wake();
    else this.pending = true;
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
