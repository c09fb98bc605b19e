import type { PoolClient } from 'pg';
import type { DecodedEvent } from '../../events/decode';
import { isTransientError } from '../runtime/transient-errors';
import type { TableHandler } from './table-targets';

/** An event ready for its table: decoded, with the handler of its type and the row it writes. */
export interface RowEvent {
  event: DecodedEvent;
  handler: TableHandler;
  /** The read-model row it writes (TableHandler.rowKey). */
  key: string;
}

/** One statement's worth: a handler and its events, at most one per row. */
export type Wave = Map<TableHandler, DecodedEvent[]>;

/**
 * Splits a page (in commit order) into waves: a row's first event goes to the first wave, its second to the second,
 * and so on. Waves run one after the other, so every row sees its events in commit order; inside a wave each row
 * appears once, so each event type is ONE set-based statement (TableHandler.applyMany). A page of thousands of
 * events then costs a handful of statements instead of one per event.
 *
 * A run of events of one type on one row collapses when the handler knows how (`absorb`), so that a busy row (a
 * conversation's last activity) does not spread a page over as many waves as it has events.
 */
export const toWaves = (events: readonly RowEvent[]): Wave[] => {
  const waves: Wave[] = [];
  const last = new Map<
    string,
    { wave: number; handler: TableHandler; batch: DecodedEvent[]; index: number }
  >();
  for (const { event, handler, key } of events) {
    const previous = last.get(key);
    if (previous && previous.handler === handler && handler.absorb) {
      previous.batch[previous.index] = handler.absorb(previous.batch[previous.index]!, event);
      continue;
    }
    const waveIndex = previous ? previous.wave + 1 : 0;
    const wave = (waves[waveIndex] ??= new Map());
    let batch = wave.get(handler);
    if (!batch) wave.set(handler, (batch = []));
    batch.push(event);
    last.set(key, { wave: waveIndex, handler, batch, index: batch.length - 1 });
  }
  return waves;
};

/**
 * Applies the waves in order inside the caller's transaction, one statement after the other: a pg client runs one
 * query at a time anyway (issuing several at once only queues them, a use pg deprecates), and after a failure the
 * transaction is aborted, so the first failure throws and the caller rolls back.
 */
export const applyWaves = async (tx: PoolClient, table: string, waves: readonly Wave[]): Promise<void> => {
  for (const wave of waves) {
    for (const [handler, events] of wave) await handler.applyMany(events, tx, table);
  }
};

/**
 * The slow path, after a wave failed: events one at a time in commit order, each under a savepoint; one that
 * fails (not transiently) is rolled back alone and counted, like the live runner's dead letter.
 * Returns how many events were skipped as poison.
 */
export const applyOneByOne = async (
  tx: PoolClient,
  table: string,
  events: readonly RowEvent[],
): Promise<number> => {
  let poisoned = 0;
  for (const { event, handler } of events) {
    await tx.query('SAVEPOINT rebuild_event');
    try {
      await handler.applyMany([event], tx, table);
      await tx.query('RELEASE SAVEPOINT rebuild_event');
    } catch (error) {
      if (isTransientError(error)) throw error;
      await tx.query('ROLLBACK TO SAVEPOINT rebuild_event');
      poisoned++;
    }
  }
  return poisoned;
};
