import type { Pool, PoolClient } from 'pg';

export interface DeadLetter {
  source: string;
  error: string;
  eventId?: string | undefined;
  globalPosition?: string | undefined;
  streamId?: string | undefined;
  streamPosition?: number | undefined;
  eventType?: string | undefined;
  payload?: unknown;
}

/**
 * Parks a message a consumer could not handle, with the error, so the consumer can go on and an operator can look
 * at it later. Once per source and event: a redelivered poison message does not pile up rows.
 */
export const recordDeadLetter = async (db: Pool | PoolClient, letter: DeadLetter): Promise<void> => {
  await db.query(
    `INSERT INTO dead_letters (source, event_id, global_position, stream_id, stream_position, event_type, error, payload)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (source, event_id) WHERE event_id IS NOT NULL DO NOTHING`,
    [
      letter.source,
      letter.eventId ?? null,
      letter.globalPosition ?? null,
      letter.streamId ?? null,
      letter.streamPosition ?? null,
      letter.eventType ?? null,
      letter.error.slice(0, 4000),
      letter.payload === undefined ? null : JSON.stringify(letter.payload),
    ],
  );
};
