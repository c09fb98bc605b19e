import type { Pool } from 'pg';
import { z } from 'zod';
import { storedEventEnvelopeSchema } from '../../events/schemas/envelope';
import type { StoredEvent } from '../../events/store/types';

/** One row of dead_letters as an operator sees it (the payload stays in the table). */
export interface DeadLetterRow {
  id: string;
  source: string;
  eventId: string | null;
  eventType: string | null;
  streamId: string | null;
  error: string;
  createdAt: string;
  retriedAt: string | null;
  retryAttempts: number;
  lastRetryError: string | null;
}

export type Redeliver = (
  event: StoredEvent,
) => Promise<{ outcome: 'handled' | 'ended' } | { outcome: 'failed'; error: string }>;

export type RetryResult =
  | { id: string; source: string; outcome: 'handled' | 'ended' }
  | { id: string; source: string; outcome: 'failed' | 'not-retryable'; error: string };

const rowSchema = z.object({
  id: z.coerce.string(),
  source: z.string(),
  event_id: z.string().nullable(),
  event_type: z.string().nullable(),
  stream_id: z.string().nullable(),
  error: z.string(),
  created_at: z.date(),
  retried_at: z.date().nullable(),
  retry_attempts: z.number().int(),
  last_retry_error: z.string().nullable(),
});

const columns = `id, source, event_id, event_type, stream_id, error, created_at, retried_at, retry_attempts,
  last_retry_error`;

const toRow = (raw: unknown): DeadLetterRow => {
  const row = rowSchema.parse(raw);
  return {
    id: row.id,
    source: row.source,
    eventId: row.event_id,
    eventType: row.event_type,
    streamId: row.stream_id,
    error: row.error,
    createdAt: row.created_at.toISOString(),
    retriedAt: row.retried_at?.toISOString() ?? null,
    retryAttempts: row.retry_attempts,
    lastRetryError: row.last_retry_error,
  };
};

/** Open dead letters (not retried successfully), oldest first; with `includeRetried`, every row. */
export const listDeadLetters = async (
  pool: Pool,
  options: { includeRetried?: boolean } = {},
): Promise<DeadLetterRow[]> => {
  const { rows } = await pool.query(
    `SELECT ${columns} FROM dead_letters ${options.includeRetried ? '' : 'WHERE retried_at IS NULL'} ORDER BY id`,
  );
  return rows.map(toRow);
};

/**
 * Hands each chosen open dead letter's stored event to the consumer that parked it (its `source`), then marks the
 * row retried, or records why the retry failed (the row stays open). A row without an event (a Kafka message that
 * could not even be decoded) cannot be redelivered: only an operator can look at it.
 */
export const retryDeadLetters = async (
  pool: Pool,
  which: { ids: string[] } | 'all',
  redeliverers: ReadonlyMap<string, Redeliver>,
): Promise<RetryResult[]> => {
  const { rows } = await pool.query<{ id: string; source: string; payload: unknown }>(
    which === 'all'
      ? `SELECT id::text, source, payload FROM dead_letters WHERE retried_at IS NULL ORDER BY id`
      : {
          text: `SELECT id::text, source, payload FROM dead_letters
            WHERE retried_at IS NULL AND id = ANY($1::bigint[]) ORDER BY id`,
          values: [which.ids],
        },
  );
  const results: RetryResult[] = [];
  for (const row of rows) {
    const parsed = storedEventEnvelopeSchema.safeParse(row.payload);
    const redeliver = redeliverers.get(row.source);
    let result: RetryResult;
    if (!parsed.success) {
      result = { id: row.id, source: row.source, outcome: 'not-retryable', error: 'no event stored' };
    } else if (!redeliver) {
      result = {
        id: row.id,
        source: row.source,
        outcome: 'not-retryable',
        error: 'no consumer of that name',
      };
    } else {
      const outcome = await redeliver(parsed.data as StoredEvent);
      result = { id: row.id, source: row.source, ...outcome };
    }
    await pool.query(
      `UPDATE dead_letters SET retry_attempts = retry_attempts + 1, last_retry_at = now(),
         retried_at = CASE WHEN $2 THEN now() END, last_retry_error = $3
       WHERE id = $1::bigint`,
      [
        row.id,
        result.outcome === 'handled' || result.outcome === 'ended',
        'error' in result ? result.error.slice(0, 4000) : null,
      ],
    );
    results.push(result);
  }
  return results;
};
