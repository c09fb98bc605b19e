import type { Pool, PoolClient } from 'pg';
import { CONVERSATIONS_TOPIC, OUTBOUND_MESSAGES_TOPIC } from '../../../events/relay/topic-routing';
import type { StoredEvent } from '../../../events/store/types';
import { defineProjection, type Handlers } from '../define-projection';

/**
 * A read model for runtime tests that shows every way delivery can go wrong: per conversation how many events
 * were applied (a duplicate makes it too high, a loss too low), per stream how many were applied and the last
 * position (equal only if the stream was applied in order, once each, without gaps).
 */
export const createCountingTables = async (pool: Pool): Promise<void> => {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS test_conversation_counts (conversation_id text PRIMARY KEY, events integer NOT NULL);
    CREATE TABLE IF NOT EXISTS test_stream_heads (
      stream_id text PRIMARY KEY, applied integer NOT NULL, last_position integer NOT NULL)`);
};

export const truncateCountingTables = async (pool: Pool, projection: string): Promise<void> => {
  await pool.query('TRUNCATE test_conversation_counts, test_stream_heads');
  await pool.query('DELETE FROM projection_positions WHERE projection = $1', [projection]);
};

export const countingHandler = async (event: StoredEvent, tx: PoolClient): Promise<void> => {
  await tx.query(
    `INSERT INTO test_conversation_counts (conversation_id, events) VALUES ($1, 1)
     ON CONFLICT (conversation_id) DO UPDATE SET events = test_conversation_counts.events + 1`,
    [event.conversationId ?? event.streamId],
  );
  await tx.query(
    `INSERT INTO test_stream_heads (stream_id, applied, last_position) VALUES ($1, 1, $2)
     ON CONFLICT (stream_id) DO UPDATE SET applied = test_stream_heads.applied + 1, last_position = $2`,
    [event.streamId, event.streamPosition],
  );
};

export const countingProjection = (name: string, extra: Handlers<StoredEvent> = {}) =>
  defineProjection({
    name,
    topics: [CONVERSATIONS_TOPIC, OUTBOUND_MESSAGES_TOPIC],
    handlers: { TestHappened: countingHandler, ...extra },
  });

export interface CountingModel {
  conversations: Record<string, number>;
  streams: Record<string, { applied: number; lastPosition: number }>;
}

export const readCountingModel = async (pool: Pool): Promise<CountingModel> => {
  const conversations = await pool.query<{ conversation_id: string; events: number }>(
    'SELECT conversation_id, events FROM test_conversation_counts ORDER BY conversation_id',
  );
  const streams = await pool.query<{ stream_id: string; applied: number; last_position: number }>(
    'SELECT stream_id, applied, last_position FROM test_stream_heads ORDER BY stream_id',
  );
  return {
    conversations: Object.fromEntries(conversations.rows.map((row) => [row.conversation_id, row.events])),
    streams: Object.fromEntries(
      streams.rows.map((row) => [row.stream_id, { applied: row.applied, lastPosition: row.last_position }]),
    ),
  };
};

/** What the counting model must hold for these events if every one was applied exactly once, in order. */
export const expectedCountingModel = (events: StoredEvent[]): CountingModel => {
  const model: CountingModel = { conversations: {}, streams: {} };
  for (const event of events) {
    if (event.type !== 'TestHappened') continue;
    const conversation = event.conversationId ?? event.streamId;
    model.conversations[conversation] = (model.conversations[conversation] ?? 0) + 1;
    const head = model.streams[event.streamId] ?? { applied: 0, lastPosition: 0 };
    model.streams[event.streamId] = { applied: head.applied + 1, lastPosition: event.streamPosition };
  }
  return model;
};
