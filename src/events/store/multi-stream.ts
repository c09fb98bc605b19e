import { Pool, type QueryConfig } from 'pg';
import { inTransaction } from '../../infra/in-transaction';
import type { Queryable } from './postgres-event-store';
import { EVENT_COLUMNS, type EventRow } from './queries';
import { toStoredEvent } from './stored-event';
import type { EventMetadata, NewEvent, StoredEvent } from './types';

/** One stream's share of a multi-stream append. */
export interface StreamAppend {
  streamId: string;
  /** The stream's last position as the caller decided on it (0 = the stream must not exist yet). */
  expected: number;
  events: NewEvent[];
  metadata?: EventMetadata;
}

/** Per stream: appended, or left alone because it had moved past `expected` (decide again on a fresh read). */
export type StreamAppendOutcome =
  | { streamId: string; appended: true; nextExpectedPosition: number }
  | { streamId: string; appended: false; actual: number };

/**
 * Many streams read in one query and appended to in one transaction: for a processor that applies a batch of
 * facts to many small streams, where one commit per stream would make the commit rate (not the work) the limit.
 */
export interface MultiStreamStore {
  /** Each requested stream's events in stream order; a stream that does not exist maps to []. */
  readStreams(streamIds: readonly string[]): Promise<Map<string, StoredEvent[]>>;
  /**
   * Appends to every stream still at its expected position, all in one transaction, and reports the others
   * without failing the rest. Several appends to one stream (different metadata) must follow each other in
   * `appends`, each expecting the position the previous one leaves.
   */
  appendToStreams(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]>;
}

/** The key space of append_to_stream's stream locks (0x45565354 'EVST', migrations/002_event_store.sql). */
const STREAM_LOCK_SPACE = 1163285332;

const readStreamsQuery = (streamIds: readonly string[]): QueryConfig => ({
  name: 'event_store_read_streams',
  text: `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ANY ($1::text[]) ORDER BY stream_id, stream_position`,
  values: [streamIds],
});

/**
 * The stream locks of append_to_stream, all taken before the transaction writes anything (so before it has an
 * xid: the ordering argument of migrations/002_event_store.sql holds for every stream of the batch), in key order
 * so that two batches cannot deadlock.
 */
const lockStreamsQuery = (streamIds: readonly string[]): QueryConfig => ({
  name: 'event_store_lock_streams',
  text: `SELECT count(pg_advisory_xact_lock($1, key))::integer AS locked
    FROM (SELECT DISTINCT hashtext(id) AS key FROM unnest($2::text[]) AS id ORDER BY 1) AS keys`,
  values: [STREAM_LOCK_SPACE, streamIds],
});

const positionsQuery = (streamIds: readonly string[]): QueryConfig => ({
  name: 'event_store_stream_positions',
  text: 'SELECT stream_id, position FROM streams WHERE stream_id = ANY ($1::text[])',
  values: [streamIds],
});

/** append_to_stream once per entry, in the entries' order, in one statement. */
const appendAllQuery = (appends: readonly StreamAppend[]): QueryConfig => ({
  name: 'event_store_append_streams',
  text: `SELECT r.next_position FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS a(x, ord)
    CROSS JOIN LATERAL append_to_stream(a.x ->> 'streamId', (a.x ->> 'expected')::bigint, a.x -> 'events',
                                        a.x -> 'metadata') AS r
    ORDER BY a.ord`,
  values: [
    JSON.stringify(
      appends.map(({ streamId, expected, events, metadata }) => ({
        streamId,
        expected,
        events,
        metadata: metadata ?? {},
      })),
    ),
  ],
});

export const readStreams = async (
  db: Queryable,
  streamIds: readonly string[],
): Promise<Map<string, StoredEvent[]>> => {
  const streams = new Map<string, StoredEvent[]>(streamIds.map((id) => [id, []]));
  if (streamIds.length === 0) return streams;
  const { rows } = await db.query<EventRow>(readStreamsQuery([...streams.keys()]));
  for (const row of rows) streams.get(row.stream_id)?.push(toStoredEvent(row));
  return streams;
};

const assertChained = (appends: readonly StreamAppend[]): void => {
  const next = new Map<string, number>();
  for (const { streamId, expected, events } of appends) {
    if (events.length === 0) throw new RangeError(`appendToStreams: no events for stream ${streamId}`);
    const chained = next.get(streamId);
    if (chained !== undefined && chained !== expected) {
      throw new RangeError(`appendToStreams: appends to ${streamId} must follow each other`);
    }
    next.set(streamId, expected + events.length);
  }
};

/**
 * Given a Pool, runs its own transaction; given one connection, runs inside the caller's, which must not have
 * written anything yet (the same rule as appendToStream).
 */
export const appendToStreams = async (
  db: Queryable,
  appends: readonly StreamAppend[],
): Promise<StreamAppendOutcome[]> => {
  if (appends.length === 0) return [];
  assertChained(appends);
  return db instanceof Pool
    ? inTransaction(db, (client) => appendLocked(client, appends))
    : appendLocked(db, appends);
};

const appendLocked = async (
  db: Queryable,
  appends: readonly StreamAppend[],
): Promise<StreamAppendOutcome[]> => {
  const streamIds = [...new Set(appends.map((append) => append.streamId))];
  await db.query(lockStreamsQuery(streamIds));
  const { rows } = await db.query<{ stream_id: string; position: string }>(positionsQuery(streamIds));
  const actual = new Map<string, number>(streamIds.map((id) => [id, 0]));
  for (const row of rows) actual.set(row.stream_id, Number(row.position));
  // Under the locks nothing moves any more: a stream at its expected position now is appended to without a
  // conflict, and only the first append of each stream needs checking (the others chain on it).
  const firstExpected = new Map<string, number>();
  for (const append of appends)
    if (!firstExpected.has(append.streamId)) firstExpected.set(append.streamId, append.expected);
  const isCurrent = (streamId: string) => firstExpected.get(streamId) === actual.get(streamId);
  const current = appends.filter((append) => isCurrent(append.streamId));
  const appended =
    current.length === 0 ? [] : (await db.query<{ next_position: string }>(appendAllQuery(current))).rows;
  const nextPosition = new Map<string, number>();
  current.forEach((append, index) =>
    nextPosition.set(append.streamId, Number(appended[index]!.next_position)),
  );
  return streamIds.map((streamId) =>
    isCurrent(streamId)
      ? { streamId, appended: true, nextExpectedPosition: nextPosition.get(streamId)! }
      : { streamId, appended: false, actual: actual.get(streamId)! },
  );
};
