/**
 * An EventStore held in memory, for unit tests of orchestration code (the command handler). It follows the store
 * contract of src/events/store/types.ts: explicit expected positions, idempotent re-append by event id, 1-based
 * stream positions. `beforeAppend` lets a test slip in a concurrent writer between a handler's read and its
 * append, which produces a genuine ExpectedVersionConflict. The real store is tested against PostgreSQL.
 */
import {
  ExpectedVersionConflict,
  type AllCursor,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedPosition,
  type NewEvent,
  type StoredEvent,
} from '../events/store/types';

export class InMemoryEventStore implements EventStore {
  private readonly events: StoredEvent[] = [];
  /** Every append call as received, in order (including rejected ones). */
  readonly appendCalls: { streamId: string; expected: ExpectedPosition; events: NewEvent[] }[] = [];
  /** Every readStream call as received, in order. */
  readonly readCalls: { streamId: string; from: number }[] = [];
  /** Called at the start of every append; may itself append to simulate a concurrent writer. */
  beforeAppend: ((streamId: string) => Promise<void>) | undefined;

  constructor(private readonly now: () => string = () => new Date().toISOString()) {}

  async appendToStream(
    streamId: string,
    expected: ExpectedPosition,
    events: NewEvent[],
    metadata: EventMetadata = {},
  ): Promise<AppendResult> {
    this.appendCalls.push({ streamId, expected, events });
    const hook = this.beforeAppend;
    if (hook) {
      // One shot, so the concurrent write does not recurse into itself.
      this.beforeAppend = undefined;
      await hook(streamId);
    }
    const existing = events.map((event) => this.events.find((stored) => stored.eventId === event.eventId));
    if (existing.every((stored) => stored !== undefined)) {
      const originals = existing.filter((stored): stored is StoredEvent => stored !== undefined);
      return {
        nextExpectedPosition: Math.max(...originals.map((stored) => stored.streamPosition)),
        globalPositions: originals.map((stored) => stored.globalPosition),
        duplicate: true,
      };
    }
    const actual = this.currentPosition(streamId);
    if (expected !== 'any' && expected !== actual)
      throw new ExpectedVersionConflict(streamId, expected, actual);

    const recordedAt = this.now();
    const stored = events.map((event, index): StoredEvent => ({
      eventId: event.eventId,
      type: event.type,
      version: event.version,
      streamId,
      streamPosition: actual + index + 1,
      globalPosition: String(this.events.length + index + 1),
      transactionId: String(this.appendCalls.length),
      tenantId: event.tenantId,
      conversationId: event.conversationId ?? null,
      occurredAt: event.occurredAt ?? recordedAt,
      recordedAt,
      causationId: metadata.causationId ?? null,
      correlationId: metadata.correlationId ?? null,
      metadata,
      data: event.data,
    }));
    this.events.push(...stored);
    return {
      nextExpectedPosition: actual + stored.length,
      globalPositions: stored.map((event) => event.globalPosition),
      duplicate: false,
      stored,
    };
  }

  /** Puts raw events into a stream without any check: for seeding corrupt or old-version data. */
  seed(streamId: string, events: NewEvent[]): void {
    const actual = this.currentPosition(streamId);
    const recordedAt = this.now();
    events.forEach((event, index) =>
      this.events.push({
        ...event,
        conversationId: event.conversationId ?? null,
        streamId,
        streamPosition: actual + index + 1,
        globalPosition: String(this.events.length + 1),
        transactionId: '0',
        occurredAt: event.occurredAt ?? recordedAt,
        recordedAt,
        causationId: null,
        correlationId: null,
        metadata: {},
      }),
    );
  }

  async readStream(streamId: string, range: { from?: number; to?: number } = {}): Promise<StoredEvent[]> {
    const from = range.from ?? 1;
    const to = range.to ?? Number.MAX_SAFE_INTEGER;
    this.readCalls.push({ streamId, from });
    return this.events.filter(
      (event) => event.streamId === streamId && event.streamPosition >= from && event.streamPosition <= to,
    );
  }

  async readConversation(tenantId: string, conversationId: string): Promise<StoredEvent[]> {
    return this.events.filter(
      (event) => event.tenantId === tenantId && event.conversationId === conversationId,
    );
  }

  async readAll(options: { after: AllCursor; limit: number }): Promise<StoredEvent[]> {
    // Appends here are serial, so global order is commit order.
    return this.events
      .filter((event) => BigInt(event.globalPosition) > BigInt(options.after.globalPosition))
      .slice(0, options.limit);
  }

  private currentPosition(streamId: string): number {
    return this.events.filter((event) => event.streamId === streamId).length;
  }
}
