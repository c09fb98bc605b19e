import type { Pool } from 'pg';
import { decodeEvent, type DecodedEvent } from '../../events/decode';
import type { StoredEvent } from '../../events/store/types';
import { runLimited } from '../../infra/run-limited';
import { deadLetterOf, describeError, type ApplyOutcome } from './apply-event';
import { insertDeadLetterQuery } from './queries';
import { isTransientError } from './transient-errors';

export interface ExternalWrites {
  /** The dead letters' source. */
  name: string;
  handles: (type: string) => boolean;
  /** Idempotent: its target is named by the event alone, so writing an event again changes nothing. */
  write: (event: DecodedEvent) => Promise<void>;
  /** Writes in flight at once: object stores answer in milliseconds, one at a time would crawl. */
  concurrency?: number;
}

/**
 * A batch of a projection that writes outside PostgreSQL: the writes first, with no transaction open; PostgreSQL
 * only hears of the events that could not be written (dead letters, each its own short statement). No positions:
 * a redelivered event is written again, to the same key. A transient failure throws and the runner retries the
 * batch; a permanent one (undecodable event, a refused write) dead-letters that event alone.
 */
export const applyExternalBatch = async (
  pool: Pool,
  writes: ExternalWrites,
  events: readonly StoredEvent[],
): Promise<ApplyOutcome[]> => {
  const outcomes: ApplyOutcome[] = events.map(() => ({ outcome: 'unhandled' }));
  const decoded: Array<{ index: number; event: DecodedEvent }> = [];
  for (const [index, stored] of events.entries()) {
    if (!writes.handles(stored.type)) continue;
    try {
      decoded.push({ index, event: decodeEvent(stored) });
    } catch (error) {
      if (isTransientError(error)) throw error;
      outcomes[index] = { outcome: 'dead-lettered', error: describeError(error) };
    }
  }
  await runLimited(decoded, writes.concurrency ?? 8, async ({ index, event }) => {
    try {
      await writes.write(event);
      outcomes[index] = { outcome: 'applied' };
    } catch (error) {
      if (isTransientError(error)) throw error;
      outcomes[index] = { outcome: 'dead-lettered', error: describeError(error) };
    }
  });
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome.outcome !== 'dead-lettered') continue;
    await pool.query(insertDeadLetterQuery(deadLetterOf(writes.name, events[index]!, outcome.error)));
  }
  return outcomes;
};
