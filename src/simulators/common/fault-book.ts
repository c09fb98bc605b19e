/** One planned misbehaviour of a simulator. */
export type Fault =
  /**
   * Answer with this status and body instead of the real answer (after `delayMs`). With `processed`, the request
   * takes effect first (the message is "sent") and the error replaces the real answer: a 5xx after the send.
   */
  | {
      kind: 'fail';
      status: number;
      body: string;
      headers: Record<string, string>;
      delayMs: number;
      processed?: boolean;
    }
  /**
   * Never answer (the connection stays open until the simulator stops or `holdMs` passes). With `processed`,
   * the request takes effect first (the message is "sent") and only the answer is lost: the case a client must
   * treat as an unknown outcome.
   */
  | { kind: 'timeout'; processed: boolean }
  /** Close the connection without answering, before or after the request took effect. */
  | { kind: 'reset'; processed: boolean };

/** Matches every request of a simulator. */
export const everyScope = '*';

/**
 * Faults and latency planned per scope (a phone number id, a route). A request names its scopes from most to
 * least specific; the first scope with a planned fault supplies it, so a fault planned for one phone number
 * never hits another.
 */
export class FaultBook {
  private readonly planned = new Map<string, { fault: Fault; remaining: number }[]>();
  private readonly latencies = new Map<string, number>();

  plan(scope: string, fault: Fault, count: number): void {
    if (!Number.isInteger(count) || count < 1) throw new RangeError('count must be an integer >= 1');
    const queue = this.planned.get(scope) ?? [];
    queue.push({ fault, remaining: count });
    this.planned.set(scope, queue);
  }

  setLatency(scope: string, ms: number): void {
    if (ms <= 0) this.latencies.delete(scope);
    else this.latencies.set(scope, ms);
  }

  /** The next planned fault for the most specific scope that has one, counted as used. */
  take(scopes: readonly string[]): Fault | undefined {
    for (const scope of scopes) {
      const queue = this.planned.get(scope);
      const next = queue?.[0];
      if (!queue || !next) continue;
      next.remaining -= 1;
      if (next.remaining === 0) queue.shift();
      return next.fault;
    }
    return undefined;
  }

  latency(scopes: readonly string[]): number {
    for (const scope of scopes) {
      const ms = this.latencies.get(scope);
      if (ms !== undefined) return ms;
    }
    return 0;
  }

  clear(): void {
    this.planned.clear();
    this.latencies.clear();
  }
}
