import type { Pool } from 'pg';
import type { StoredEvent } from '../../events/store/types';
import { applyEvent, deadLetterOf, describeError, inTransaction, type ApplyOutcome } from './apply-event';
import { handlerFor, type Projection } from './define-projection';
import { claimPositionQuery, insertDeadLetterQuery } from './queries';
import { isTransientError } from './transient-errors';

class HandlerFailed extends Error {}

/**
 * Applies a run of events from one partition in ONE transaction: per event the same claim-handle step as
 * applyEvent, so each event's read-model change and position still commit together, but the commit (and its WAL
 * flush) is paid once per run instead of once per event. If a handler fails, the whole run is rolled back and
 * replayed one event per transaction, which isolates the poison event and dead-letters only that one.
 */
export const applyBatch = async <E extends { type: string }>(
  pool: Pool,
  projection: Projection<E>,
  events: StoredEvent[],
): Promise<ApplyOutcome[]> => {
  if (events.length === 1) return [await applyEvent(pool, projection, events[0]!)];
  if (!events.some((event) => handlerFor(projection, event.type))) {
    return events.map(() => ({ outcome: 'unhandled' })); // nothing to write: no transaction
  }
  try {
    return await inTransaction(pool, async (tx) => {
      const outcomes: ApplyOutcome[] = [];
      for (const event of events) {
        const handler = handlerFor(projection, event.type);
        if (!handler) {
          outcomes.push({ outcome: 'unhandled' });
          continue;
        }
        const decoded = decodeOrError(projection, event);
        const claimed = await tx.query(
          claimPositionQuery(projection.name, event.streamId, event.streamPosition),
        );
        if (claimed.rowCount === 0) {
          outcomes.push({ outcome: 'skipped' });
        } else if (decoded.ok) {
          await handler(decoded.value, tx).catch((error: unknown) => {
            throw isTransientError(error) ? error : new HandlerFailed(describeError(error));
          });
          outcomes.push({ outcome: 'applied' });
        } else {
          await tx.query(insertDeadLetterQuery(deadLetterOf(projection.name, event, decoded.error)));
          outcomes.push({ outcome: 'dead-lettered', error: decoded.error });
        }
      }
      return outcomes;
    });
  } catch (error) {
    if (!(error instanceof HandlerFailed) && isTransientError(error)) throw error;
    // A handler failed (or a statement of the run did): find the culprit one event at a time.
    const outcomes: ApplyOutcome[] = [];
    for (const event of events) outcomes.push(await applyEvent(pool, projection, event));
    return outcomes;
  }
};

const decodeOrError = <E extends { type: string }>(
  projection: Projection<E>,
  event: StoredEvent,
): { ok: true; value: E } | { ok: false; error: string } => {
  try {
    return { ok: true, value: projection.decode(event) };
  } catch (error) {
    if (isTransientError(error)) throw error;
    return { ok: false, error: describeError(error) };
  }
};
