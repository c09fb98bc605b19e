/**
 * Which offsets of one partition may be committed when messages finish out of order. Messages of different
 * conversations run concurrently, so offset 12 can finish before offset 10; the commit may only move to the
 * lowest offset still running (Kafka's committed offset means "everything before this is done").
 */
export class OffsetTracker {
  private readonly running = new Set<bigint>();
  private highestSeen: bigint | undefined;

  start(offset: string): void {
    const value = BigInt(offset);
    this.running.add(value);
    if (this.highestSeen === undefined || value > this.highestSeen) this.highestSeen = value;
  }

  finish(offset: string): void {
    this.running.delete(BigInt(offset));
  }

  get inFlight(): number {
    return this.running.size;
  }

  /** The offset to commit (next to read), or undefined when nothing was seen yet. */
  committable(): string | undefined {
    if (this.highestSeen === undefined) return undefined;
    let lowest: bigint | undefined;
    for (const offset of this.running) if (lowest === undefined || offset < lowest) lowest = offset;
    return (lowest ?? this.highestSeen + 1n).toString();
  }
}
