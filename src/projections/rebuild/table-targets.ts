import type { PoolClient } from 'pg';
import type { DecodedEvent } from '../../events/decode';
import type { DomainEvent } from '../../events/registry';
import type { Handlers } from '../runtime/define-projection';

type Decoded<T extends DomainEvent['type']> = DecodedEvent<Extract<DomainEvent, { type: T }>>;

/**
 * How events of one type land in a table: the live projection's own statement, pointed at `table`, given a batch
 * of events with at most one per row.
 */
export interface TableHandler<T extends DomainEvent['type'] = DomainEvent['type']> {
  applyMany: (events: readonly Decoded<T>[], tx: PoolClient, table: string) => Promise<void>;
  /**
   * The read-model row the event writes (the statement's WHERE / conflict key). Events with the same key are
   * applied in commit order, in successive statements; events with different keys touch different rows, so they
   * may share a statement.
   */
  rowKey: (event: Decoded<T>) => string;
  /**
   * Optional: one event with the effect of `earlier` then `later` on the same row, so that a run of them is one
   * statement's row instead of one statement each.
   */
  absorb?: (earlier: Decoded<T>, later: Decoded<T>) => Decoded<T>;
}

export type TableHandlers = { [T in DomainEvent['type']]?: TableHandler<T> };

/** A projection whose read model is one PostgreSQL table, rebuildable into a shadow copy of that table. */
export interface TableTarget {
  /** The projection's name: its rows in projection_positions and its consumer group carry it. */
  name: string;
  table: string;
  handlers: TableHandlers;
}

/**
 * The live projection's handlers for a target: each event a batch of one, into the live table. Live and rebuild
 * thus share one list of event types and one statement per type.
 */
export const liveHandlers = (target: TableTarget): Handlers<DecodedEvent> =>
  Object.fromEntries(
    Object.entries(target.handlers).map(([type, handler]) => [
      type,
      // Each handler is typed for its own event; the runtime calls it with events of that type only.
      (event: DecodedEvent, tx: PoolClient) => (handler as TableHandler).applyMany([event], tx, target.table),
    ]),
  ) as Handlers<DecodedEvent>;

/** The handler for a stored event's type, widened to any decoded event (it is only called with its own type). */
export const tableHandlerFor = (target: TableTarget, type: string): TableHandler | undefined => {
  if (!Object.hasOwn(target.handlers, type)) return undefined;
  // Each handler is typed for its own event; callers pass only the decoded form of an event of that type.
  return (target.handlers as Partial<Record<string, TableHandler>>)[type];
};
