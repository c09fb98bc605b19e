import type { PoolClient } from 'pg';
import type { DecodedEvent } from '../../events/decode';
import { isTransientError } from '../runtime/transient-errors';
import type { TableHandler } from './table-targets';

/** An event ready for its table: decoded, with the handler of its type. */
export interface LaneEvent {
  event: DecodedEvent;
  handler: TableHandler;
}

/**
 * Applies events in order inside the caller's transaction. With `isolate`, each event runs under a savepoint and
 * one that fails (not transiently) is rolled back alone and counted, like the live runner's dead letter; without
 * it (the fast path) the first failure throws and the caller rolls the whole transaction back.
 * Returns how many events were skipped as poison.
 */
export const applyLane = async (
  tx: PoolClient,
  table: string,
  events: readonly LaneEvent[],
  isolate: boolean,
): Promise<number> => {
  let poisoned = 0;
  for (const { event, handler } of events) {
    if (!isolate) {
      await handler.apply(event, tx, table);
      continue;
    }
    await tx.query('SAVEPOINT rebuild_event');
    try {
      await handler.apply(event, tx, table);
      await tx.query('RELEASE SAVEPOINT rebuild_event');
    } catch (error) {
      if (isTransientError(error)) throw error;
      await tx.query('ROLLBACK TO SAVEPOINT rebuild_event');
      poisoned++;
    }
  }
  return poisoned;
};
