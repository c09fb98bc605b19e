import type { Pool, PoolClient } from 'pg';
import type { StoredEvent } from '../../events/store/types';
import { handlerFor, type Projection } from './define-projection';
import { claimPositionQuery, insertDeadLetterQuery, type DeadLetter } from './queries';
import { isTransientError } from './transient-errors';

export type ApplyOutcome =
  { outcome: 'applied' | 'skipped' | 'unhandled' } | { outcome: 'dead-lettered'; error: string };

/**
 * Applies one event exactly once per projection: in one transaction, claim the stream position (an event at or
 * below the stored one is a redelivery and is skipped), run the handler, commit. A decode or handler failure that
 * is not transient goes to dead_letters together with the position, so the event is not tried again and the
 * partition moves on. Transient failures are thrown: the caller retries the same event.
 */
export const applyEvent = async <E extends { type: string }>(
  pool: Pool,
  projection: Projection<E>,
  event: StoredEvent,
): Promise<ApplyOutcome> => {
  const handler = handlerFor(projection, event.type);
  if (!handler) return { outcome: 'unhandled' };

  let decoded: E;
  try {
    decoded = projection.decode(event);
  } catch (error) {
    if (isTransientError(error)) throw error;
    return deadLetter(pool, projection.name, event, error);
  }

  const outcome = await inTransaction(pool, async (tx) => {
    const claimed = await tx.query(claimPositionQuery(projection.name, event.streamId, event.streamPosition));
    if (claimed.rowCount === 0) return 'skipped' as const;
    await handler(decoded, tx);
    return 'applied' as const;
  }).catch((error: unknown) => {
    if (isTransientError(error)) throw error;
    return error instanceof Error ? error : new Error(String(error));
  });
  if (outcome instanceof Error) return deadLetter(pool, projection.name, event, outcome);
  return { outcome };
};

/** Records the failure and the position in one transaction; skipped if another consumer applied the event first. */
const deadLetter = async (
  pool: Pool,
  source: string,
  event: StoredEvent,
  error: unknown,
): Promise<ApplyOutcome> => {
  const message = describeError(error);
  const recorded = await inTransaction(pool, async (tx) => {
    const claimed = await tx.query(claimPositionQuery(source, event.streamId, event.streamPosition));
    if (claimed.rowCount === 0) return false;
    await tx.query(insertDeadLetterQuery(deadLetterOf(source, event, message)));
    return true;
  });
  return recorded ? { outcome: 'dead-lettered', error: message } : { outcome: 'skipped' };
};

/**
 * Applies an event this projection dead-lettered, on an operator's request (`bridge dead-letters retry`): its
 * position was claimed when it was dead-lettered, so it is applied without a claim. Throws if it still fails.
 */
export const reapplyDeadLettered = async <E extends { type: string }>(
  pool: Pool,
  projection: Projection<E>,
  event: StoredEvent,
): Promise<void> => {
  const handler = handlerFor(projection, event.type);
  if (!handler) return;
  const decoded = projection.decode(event);
  await inTransaction(pool, (tx) => handler(decoded, tx));
};

/** A message that is not an event at all: recorded without a position (there is no stream to record it for). */
export const deadLetterUnreadable = async (pool: Pool, letter: DeadLetter): Promise<void> => {
  await pool.query(insertDeadLetterQuery(letter));
};

export const deadLetterOf = (source: string, event: StoredEvent, error: string): DeadLetter => ({
  source,
  error,
  payload: event,
  eventId: event.eventId,
  globalPosition: event.globalPosition,
  streamId: event.streamId,
  streamPosition: event.streamPosition,
  eventType: event.type,
});

export const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : `thrown: ${String(error)}`;

/** COMMIT when `work` returns, ROLLBACK when it throws; any result counts, including "nothing to do". */
export const inTransaction = async <T>(pool: Pool, work: (tx: PoolClient) => Promise<T>): Promise<T> => {
  const tx = await pool.connect();
  let broken: Error | undefined;
  try {
    await tx.query('BEGIN');
    const result = await work(tx);
    await tx.query('COMMIT');
    return result;
  } catch (error) {
    await tx.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError; // the connection is unusable: do not hand it back to the pool
    });
    throw error;
  } finally {
    tx.release(broken);
  }
};
