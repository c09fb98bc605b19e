import type { QueryConfig } from 'pg';

/** The projection runtime's SQL, as named query functions with bound parameters. */

/**
 * Claims a stream position for a projection: inserts or raises the stored position and returns a row only when the
 * event is newer than what was applied. The row stays locked until the transaction ends, so the claim, the
 * read-model change and the position commit (or roll back) together.
 */
export const claimPositionQuery = (projection: string, streamId: string, position: number): QueryConfig => ({
  name: 'projection_claim_position',
  text: `INSERT INTO projection_positions AS p (projection, stream_id, position) VALUES ($1, $2, $3)
    ON CONFLICT (projection, stream_id) DO UPDATE SET position = EXCLUDED.position
      WHERE p.position < EXCLUDED.position
    RETURNING position`,
  values: [projection, streamId, position],
});

export interface DeadLetter {
  source: string;
  error: string;
  payload: unknown;
  eventId?: string | null;
  globalPosition?: string | null;
  streamId?: string | null;
  streamPosition?: number | null;
  eventType?: string | null;
}

/**
 * Once per source and event id: a redelivered or replayed poison event does not pile up rows. A row whose retry
 * succeeded earlier is reopened with the new error, so a second failure is never swallowed.
 */
export const insertDeadLetterQuery = (letter: DeadLetter): QueryConfig => ({
  name: 'projection_insert_dead_letter',
  text: `INSERT INTO dead_letters (source, event_id, global_position, stream_id, stream_position, event_type, error,
      payload)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (source, event_id) WHERE event_id IS NOT NULL
    DO UPDATE SET error = EXCLUDED.error, created_at = now(), retried_at = NULL
      WHERE dead_letters.retried_at IS NOT NULL`,
  values: [
    letter.source,
    letter.eventId ?? null,
    letter.globalPosition ?? null,
    letter.streamId ?? null,
    letter.streamPosition ?? null,
    letter.eventType ?? null,
    letter.error,
    JSON.stringify(letter.payload ?? null),
  ],
});

/**
 * The set-based claim of a batch: raises the projection's position of every stream in the batch to the batch's
 * last, and returns each stream's position from before, so that the caller applies exactly the events above it.
 * A data-modifying statement: its lock on projection_positions is taken before its snapshot, so a rebuild's swap
 * (LOCK … SHARE ROW EXCLUSIVE) holds it back until the handed-over positions are visible (see rebuild/swap.ts).
 * Rows are locked in stream order, so two claimers of overlapping batches cannot deadlock.
 */
export const claimPositionsQuery = (
  projection: string,
  streams: readonly string[],
  positions: readonly number[],
): QueryConfig => ({
  name: 'projection_claim_positions',
  text: `WITH batch AS (
      SELECT stream_id, max(position) AS position FROM unnest($2::text[], $3::bigint[]) AS u (stream_id, position)
       GROUP BY stream_id),
    before AS (
      SELECT p.stream_id, p.position FROM projection_positions p JOIN batch b USING (stream_id)
       WHERE p.projection = $1),
    claimed AS (
      INSERT INTO projection_positions AS p (projection, stream_id, position)
      SELECT $1, stream_id, position FROM batch ORDER BY stream_id
      ON CONFLICT (projection, stream_id) DO UPDATE SET position = EXCLUDED.position
        WHERE p.position < EXCLUDED.position
      RETURNING p.stream_id)
    SELECT b.stream_id, coalesce(before.position, 0)::text AS position FROM batch b LEFT JOIN before USING (stream_id)`,
  values: [projection, streams, positions],
});
