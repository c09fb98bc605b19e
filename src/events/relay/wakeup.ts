/**
 * A wake-up call for a polling loop: `wait(ms)` ends after `ms` or as soon as `signal()` is called, and says which
 * (true = signalled). A signal given while nobody waits is kept for the next wait, so a NOTIFY that arrives
 * mid-batch is not lost.
 */
export class Wakeup {
  private pending = false;
  private wake: (() => void) | null = null;

  signal(): void {
    if (this.wake) this.wake();
    else this.pending = true;
  }

  wait(ms: number): Promise<boolean> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const done = (signalled: boolean) => {
        clearTimeout(timer);
        this.wake = null;
        resolve(signalled);
      };
      const timer = setTimeout(() => done(false), ms);
      this.wake = () => done(true);
    });
  }
}
