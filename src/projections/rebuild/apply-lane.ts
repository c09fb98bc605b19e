import type { PoolClient } from 'pg';
import type { DecodedEvent } from '../../events/decode';
import { isTransientError } from '../runtime/transient-errors';
import type { TableHandler } from './table-targets';

/** An event ready for its table: decoded, with the handler of its type. */
export interface LaneEvent {
  event: DecodedEvent;
  handler: TableHandler;
  /** The read-model row it writes (TableHandler.rowKey). */
  key: string;
}

/**
 * The fast path on a pipelined connection (pg's `pipeline: true`): events of different rows are applied at once,
 * so their statements go out back to back without waiting for each other's answers, while the events of one row
 * stay in order. A page then costs a few round trips (the longest chain of one row's statements) instead of one
 * per statement, which is what bounds a replay on a busy machine. Any failure throws once every statement has
 * settled, and the caller rolls the transaction back.
 */
export const applyLaneConcurrently = async (
  tx: PoolClient,
  table: string,
  events: readonly LaneEvent[],
): Promise<void> => {
  const byRow = new Map<string, LaneEvent[]>();
  for (const item of events) {
    const row = byRow.get(item.key);
    if (row) row.push(item);
    else byRow.set(item.key, [item]);
  }
  const settled = await Promise.allSettled(
    [...byRow.values()].map(async (row) => {
      for (const { event, handler } of row) await handler.apply(event, tx, table);
    }),
  );
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
};

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
