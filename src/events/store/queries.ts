import type { QueryConfig } from 'pg';
import type { AllCursor, EventMetadata, NewEvent } from './types';

/**
 * Every SQL statement of the event store, as named query functions. Parameters are always bound; the `name` makes
 * pg prepare each statement once per connection.
 */

/** The NOTIFY channel append_to_stream signals on (migrations/002_event_store.sql). */
export const EVENTS_CHANNEL = 'bridge_events';

/** Timestamps leave PostgreSQL as ISO-8601 UTC with milliseconds, the same shape as `Date.prototype.toISOString`. */
export const EVENT_COLUMNS = `global_position, transaction_id, stream_id, stream_position, event_id, type, version, tenant_id,
  conversation_id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
  to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at, data, metadata`;

export interface EventRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_position: string;
  event_id: string;
  type: string;
  version: number;
  tenant_id: string;
  conversation_id: string | null;
  occurred_at: string;
  recorded_at: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface AppendRow {
  next_position: string;
  global_positions: string[];
  duplicate: boolean;
  /** The appending transaction's now() and id: what the new rows hold in recorded_at and transaction_id. */
  recorded_at: string;
  transaction_id: string;
}

export const appendToStreamQuery = (
  streamId: string,
  expected: number | null,
  events: NewEvent[],
  metadata: EventMetadata,
): QueryConfig => ({
  name: 'event_store_append',
  // Evaluated after the function ran, in its transaction: now() is the rows' recorded_at default, and the
  // transaction id is assigned by then.
  text: `SELECT next_position, global_positions, duplicate,
      to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at,
      pg_current_xact_id()::text AS transaction_id
    FROM append_to_stream($1, $2, $3, $4)`,
  values: [streamId, expected, JSON.stringify(events), JSON.stringify(metadata)],
});

/** One append of a group commit (see appendToStreamsQuery). */
export interface BatchedAppend {
  streamId: string;
  expected: number | null;
  events: NewEvent[];
  metadata: EventMetadata;
}

/** append_to_streams' answer for one append: append_to_stream's, or the error that append alone raised. */
export interface BatchAppendRow {
  ord: number;
  next_position: string | null;
  global_positions: string[] | null;
  duplicate: boolean | null;
  error_code: string | null;
  error_message: string | null;
  error_detail: string | null;
  error_constraint: string | null;
  recorded_at: string;
  /** Null when nothing of the batch was written (every append a duplicate or an error). */
  transaction_id: string | null;
}

/** Several appends to distinct streams in one transaction (migrations/010_append_to_streams.sql). */
export const appendToStreamsQuery = (appends: BatchedAppend[]): QueryConfig => ({
  name: 'event_store_append_batch',
  // As in appendToStreamQuery, evaluated once the function has run; the id only if the batch wrote anything.
  text: `SELECT ord, next_position, global_positions, duplicate, error_code, error_message, error_detail,
      error_constraint, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at,
      pg_current_xact_id_if_assigned()::text AS transaction_id
    FROM append_to_streams($1)`,
  values: [JSON.stringify(appends)],
});

export const streamPositionQuery = (streamId: string): QueryConfig => ({
  name: 'event_store_stream_position',
  text: 'SELECT position FROM streams WHERE stream_id = $1',
  values: [streamId],
});

export const readStreamQuery = (streamId: string, from: number, to: number): QueryConfig => ({
  name: 'event_store_read_stream',
  text: `SELECT ${EVENT_COLUMNS} FROM events
    WHERE stream_id = $1 AND stream_position BETWEEN $2 AND $3
    ORDER BY stream_position`,
  values: [streamId, from, to],
});

/** Commit order, the same order the relay publishes in (see readAllQuery). */
export const readConversationQuery = (tenantId: string, conversationId: string): QueryConfig => ({
  name: 'event_store_read_conversation',
  text: `SELECT ${EVENT_COLUMNS} FROM events
    WHERE tenant_id = $1 AND conversation_id = $2
    ORDER BY transaction_id, global_position`,
  values: [tenantId, conversationId],
});

/**
 * $all in commit order, without skipping. Identity values are drawn before commit, so a later global position can
 * become visible before an earlier one; a reader that remembered "the highest position seen" would then never come
 * back for the earlier event. Instead only transactions older than every running one that could still write here
 * are returned (they are all finished, so no row can still appear below that line), ordered by (transaction_id,
 * global_position), which is stable once every row below the line is final.
 *
 * The line is the snapshot's oldest running transaction, leaving out those known to run in another database of the
 * server (a session never writes outside its own database): on a shared server they are most of what holds the
 * line back (other services, tests, a second bridge), and each hid this database's newest events until it ended.
 * Known = still running when pg_stat_activity is read, after the snapshot, with that xid; a transaction that ended
 * meanwhile, a prepared one, or one whose row the role may not see still counts, as before. Past the last running
 * one, the line is the snapshot's xmax. The subselect makes the snapshot be taken once per statement, and the row
 * comparison uses the index.
 */
export const readAllQuery = (after: AllCursor, limit: number): QueryConfig => ({
  name: 'event_store_read_all',
  text: `SELECT ${EVENT_COLUMNS} FROM events
    WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
      AND transaction_id < (
        SELECT coalesce(
          (SELECT min(running) FROM pg_snapshot_xip(s.snapshot) AS running
            WHERE running::xid NOT IN (
              SELECT a.backend_xid FROM pg_stat_activity AS a
               WHERE a.backend_xid IS NOT NULL AND a.datname IS DISTINCT FROM current_database())),
          pg_snapshot_xmax(s.snapshot))
        FROM (SELECT pg_current_snapshot() AS snapshot) AS s)
    ORDER BY transaction_id, global_position
    LIMIT $3`,
  values: [after.transactionId, after.globalPosition, limit],
});

/**
 * How many committed events lie after a cursor, whether or not an older running transaction still hides them.
 * Deliberately not a named (prepared) statement: a generic plan cannot know the cursor is near the end and counts
 * with a sequential scan of the whole table; planned with the actual cursor, it is a short index-only scan.
 */
export const countAfterQuery = (after: AllCursor): QueryConfig => ({
  text: `SELECT count(*)::integer AS count FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)`,
  values: [after.transactionId, after.globalPosition],
});

/** Whether any committed event lies after a cursor; ORDER BY … LIMIT 1 keeps every plan on the index. */
export const hasEventsAfterQuery = (after: AllCursor): QueryConfig => ({
  name: 'event_store_has_events_after',
  text: `SELECT EXISTS (SELECT 1 FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
    ORDER BY transaction_id, global_position LIMIT 1) AS found`,
  values: [after.transactionId, after.globalPosition],
});
