import type { Client, Pool, PoolClient } from 'pg';
import { toStoreError } from './pg-errors';
import {
  appendToStreamQuery,
  countAfterQuery,
  hasEventsAfterQuery,
  readAllQuery,
  readConversationQuery,
  readStreamQuery,
  streamPositionQuery,
  type AppendRow,
  type EventRow,
} from './queries';
import { toStoredEvent } from './stored-event';
import {
  ExpectedVersionConflict,
  type AllCursor,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedPosition,
  type NewEvent,
  type StoredEvent,
} from './types';

/** A pool, or one connection inside a caller's transaction (to append together with other writes). */
export type Queryable = Pool | PoolClient | Client;

// PostgreSQL's bigint range; stream positions beyond 2^53 are not representable here anyway.
const LAST_POSITION = Number.MAX_SAFE_INTEGER;

/**
 * The event store over PostgreSQL (schema and append function: migrations/002_event_store.sql).
 *
 * Given a PoolClient inside a transaction, appendToStream must be that transaction's first write: the per-stream
 * ordering guarantee of append_to_stream relies on the transaction getting its id only after the stream lock.
 */
export class PostgresEventStore implements EventStore {
  constructor(private readonly db: Queryable) {}

  async appendToStream(
    streamId: string,
    expected: ExpectedPosition,
    events: NewEvent[],
    metadata: EventMetadata = {},
  ): Promise<AppendResult> {
    assertValidExpected(expected);
    if (events.length === 0) return this.appendNothing(streamId, expected);
    assertDistinctIds(events);
    try {
      const { rows } = await this.db.query<AppendRow>(
        appendToStreamQuery(streamId, expected === 'any' ? null : expected, events, metadata),
      );
      return appendResultOf(streamId, events, metadata, rows[0]!);
    } catch (error) {
      throw toStoreError(error, streamId, expected);
    }
  }

  async readStream(streamId: string, range: { from?: number; to?: number } = {}): Promise<StoredEvent[]> {
    const { rows } = await this.db.query<EventRow>(
      readStreamQuery(streamId, range.from ?? 1, range.to ?? LAST_POSITION),
    );
    return rows.map(toStoredEvent);
  }

  async readConversation(tenantId: string, conversationId: string): Promise<StoredEvent[]> {
    const { rows } = await this.db.query<EventRow>(readConversationQuery(tenantId, conversationId));
    return rows.map(toStoredEvent);
  }

  async readAll({ after, limit }: { after: AllCursor; limit: number }): Promise<StoredEvent[]> {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`readAll: limit must be a positive integer`);
    }
    const { rows } = await this.db.query<EventRow>(readAllQuery(after, limit));
    return rows.map(toStoredEvent);
  }

  /** Committed events after the cursor, including those still hidden from readAll by an older open transaction. */
  async countAfter(after: AllCursor): Promise<number> {
    const { rows } = await this.db.query<{ count: number }>(countAfterQuery(after));
    return rows[0]!.count;
  }

  /** Cheaper than countAfter when only "anything left?" matters (catching up, deciding how long to sleep). */
  async hasEventsAfter(after: AllCursor): Promise<boolean> {
    const { rows } = await this.db.query<{ found: boolean }>(hasEventsAfterQuery(after));
    return rows[0]!.found;
  }

  /** An empty append writes nothing but still answers whether the expectation holds. */
  private async appendNothing(streamId: string, expected: ExpectedPosition): Promise<AppendResult> {
    const { rows } = await this.db.query<{ position: string }>(streamPositionQuery(streamId));
    const actual = rows[0] ? Number(rows[0].position) : 0;
    if (expected !== 'any' && expected !== actual) {
      throw new ExpectedVersionConflict(streamId, expected, actual);
    }
    return { nextExpectedPosition: actual, globalPositions: [], duplicate: false };
  }
}

export const assertValidExpected = (expected: ExpectedPosition): void => {
  if (expected !== 'any' && (!Number.isSafeInteger(expected) || expected < 0)) {
    throw new RangeError(`Expected position must be 'any' or an integer >= 0, got ${expected}`);
  }
};

export const assertDistinctIds = (events: NewEvent[]): void => {
  const ids = new Set(events.map((event) => event.eventId.toLowerCase()));
  if (ids.size !== events.length) throw new RangeError('An append must not contain the same event id twice');
};

/** What an append answers, from append_to_stream's row (alone or in a group commit) and what went in. */
export const appendResultOf = (
  streamId: string,
  events: NewEvent[],
  metadata: EventMetadata,
  row: AppendRow,
): AppendResult => ({
  nextExpectedPosition: Number(row.next_position),
  globalPositions: row.global_positions,
  duplicate: row.duplicate,
  ...(row.duplicate ? {} : { stored: storedAsWritten(streamId, events, metadata, row) }),
});

/**
 * The rows append_to_stream wrote, built from what went in and what it answered: the same values toStoredEvent
 * gives when they are read back (times in the read path's millisecond UTC format, positions as returned).
 */
const storedAsWritten = (
  streamId: string,
  events: NewEvent[],
  metadata: EventMetadata,
  row: AppendRow,
): StoredEvent[] => {
  const first = Number(row.next_position) - events.length + 1;
  return events.map((event, index) =>
    toStoredEvent({
      global_position: row.global_positions[index]!,
      transaction_id: row.transaction_id,
      stream_id: streamId,
      stream_position: String(first + index),
      event_id: event.eventId,
      type: event.type,
      version: event.version,
      tenant_id: event.tenantId,
      conversation_id: event.conversationId ?? null,
      occurred_at:
        event.occurredAt === undefined ? row.recorded_at : new Date(event.occurredAt).toISOString(),
      recorded_at: row.recorded_at,
      // The values that went in (JSON already: jsonb gives back the same, but for keys holding undefined, which
      // JSON drops); not copied, so the webhook route pays nothing for what it does not use.
      data: event.data,
      metadata: { ...metadata },
    }),
  );
};
