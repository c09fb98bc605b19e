import { LRUCache } from 'lru-cache';

/** Meta shows a typing indicator for up to 25 s; Genesys sends a Typing event every few seconds while typing. */
export const TYPING_INTERVAL_MS = 5_000;

/**
 * At most one typing indicator per conversation per interval. In process, on purpose: a typing indicator is a hint
 * worth nothing a moment later, so a second one from another replica (the outbound lane keys on the conversation,
 * so that happens only around a rebalance) costs one harmless extra call, while a shared store would cost a round
 * trip on every keystroke burst. Bounded (least recently used conversations forgotten first), so a flood of
 * conversations cannot grow it without limit; forgetting one only allows one more indicator.
 */
export class TypingThrottle {
  private readonly last: LRUCache<string, number>;

  constructor(
    private readonly intervalMs = TYPING_INTERVAL_MS,
    max = 50_000,
    private readonly now: () => number = Date.now,
  ) {
    this.last = new LRUCache({ max });
  }

  /** True (and the conversation's interval starts) if an indicator may go out now. */
  take(key: string): boolean {
    const now = this.now();
    const last = this.last.get(key);
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.last.set(key, now);
    return true;
  }
}
