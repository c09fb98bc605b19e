import type { Pool } from 'pg';
import { decodeEvent, type DecodedEvent } from '../../events/decode';
import type { StoredEvent } from '../../events/store/types';
import { applyWaves, toWaves, type RowEvent } from '../rebuild/apply-waves';
import { tableHandlerFor, type TableTarget } from '../rebuild/table-targets';
import { applyEvent, deadLetterOf, describeError, inTransaction, type ApplyOutcome } from './apply-event';
import type { Projection } from './define-projection';
import { claimPositionsQuery, insertDeadLetterQuery } from './queries';
import { isTransientError } from './transient-errors';

/** An event of the batch the table has a statement for, decoded or with the reason it could not be. */
interface Handled {
  index: number;
  stored: StoredEvent;
  row: RowEvent | { error: string };
}

/**
 * A table projection's batch of events (one Kafka partition's run, in order) in ONE transaction of a few set-based
 * statements: one claim of every stream's position (claimPositionsQuery), then per wave one statement per event
 * type (apply-waves.ts: a row's events in order, each row once per statement). The same statements as the
 * rebuild's, so a rebuilt table equals the live one.
 *
 * What the per-event path guaranteed still holds: an event at or below its stream's stored position is skipped
 * (replay and redelivery are no-ops); an undecodable event is dead-lettered with its position; should a statement
 * fail, the batch rolls back and is applied again one event per transaction (applyEvent), which dead-letters only
 * the culprit. `afterCommit` sees the events applied, once their transaction committed.
 */
export const applyTableBatch = async (
  pool: Pool,
  target: TableTarget,
  /** The same statements one event at a time (liveHandlers), for the slow path. */
  perEvent: Projection<DecodedEvent>,
  events: readonly StoredEvent[],
  afterCommit: (applied: readonly DecodedEvent[]) => Promise<void> = async () => undefined,
): Promise<ApplyOutcome[]> => {
  const outcomes: ApplyOutcome[] = events.map(() => ({ outcome: 'unhandled' }));
  const handled = handledOf(target, events);
  if (handled.length === 0) return outcomes; // nothing to write: no transaction
  let applied: DecodedEvent[];
  try {
    applied = await inTransaction(pool, async (tx) => {
      const claimed = await tx.query<{ stream_id: string; position: string }>(
        claimPositionsQuery(
          target.name,
          handled.map(({ stored }) => stored.streamId),
          handled.map(({ stored }) => stored.streamPosition),
        ),
      );
      const before = new Map(claimed.rows.map((row) => [row.stream_id, Number(row.position)]));
      const rows: RowEvent[] = [];
      for (const { index, stored, row } of handled) {
        if (stored.streamPosition <= (before.get(stored.streamId) ?? 0)) {
          outcomes[index] = { outcome: 'skipped' };
        } else if ('error' in row) {
          await tx.query(insertDeadLetterQuery(deadLetterOf(target.name, stored, row.error)));
          outcomes[index] = { outcome: 'dead-lettered', error: row.error };
        } else {
          rows.push(row);
          outcomes[index] = { outcome: 'applied' };
        }
      }
      await applyWaves(tx, target.table, toWaves(rows));
      return rows.map((row) => row.event);
    });
  } catch (error) {
    if (isTransientError(error)) throw error;
    return oneEventPerTransaction(pool, perEvent, events, afterCommit);
  }
  await afterCommit(applied);
  return outcomes;
};

const handledOf = (target: TableTarget, events: readonly StoredEvent[]): Handled[] =>
  events.flatMap((stored, index): Handled[] => {
    const handler = tableHandlerFor(target, stored.type);
    if (!handler) return [];
    try {
      const event = decodeEvent(stored);
      return [{ index, stored, row: { event, handler, key: handler.rowKey(event) } }];
    } catch (error) {
      if (isTransientError(error)) throw error;
      return [{ index, stored, row: { error: describeError(error) } }];
    }
  });

/** The slow path after a failed batch: the per-event runtime isolates the poison event and dead-letters it alone. */
const oneEventPerTransaction = async (
  pool: Pool,
  projection: Projection<DecodedEvent>,
  events: readonly StoredEvent[],
  afterCommit: (applied: readonly DecodedEvent[]) => Promise<void>,
): Promise<ApplyOutcome[]> => {
  const outcomes: ApplyOutcome[] = [];
  for (const event of events) {
    const outcome = await applyEvent(pool, projection, event);
    outcomes.push(outcome);
    if (outcome.outcome === 'applied') await afterCommit([decodeEvent(event)]);
  }
  return outcomes;
};
