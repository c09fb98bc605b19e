import type { Pool } from 'pg';
import { waitFor } from './wait';

export interface StreamEvent {
  type: string;
  data: Record<string, unknown>;
}

export const streamEvents = async (pool: Pool, streamId: string): Promise<StreamEvent[]> =>
  (
    await pool.query<StreamEvent>(
      'SELECT type, data FROM events WHERE stream_id = $1 ORDER BY stream_position',
      [streamId],
    )
  ).rows;

/**
 * Waits until the stream holds one of `types` (the message settled), and returns the whole stream. Receipts may
 * follow the settling event, so it need not be the last one.
 */
export const waitForSettled = (pool: Pool, streamId: string, types: string[], timeoutMs?: number) =>
  waitFor(
    `${streamId} to hold ${types.join(' or ')}`,
    async () => {
      const events = await streamEvents(pool, streamId);
      return events.some((event) => types.includes(event.type)) ? events : undefined;
    },
    timeoutMs,
  );

/** Event types of a stream without the receipts posted to Genesys, which arrive on their own schedule. */
export const withoutReceipts = (events: StreamEvent[]): string[] =>
  events.map((event) => event.type).filter((type) => type !== 'ReceiptPosted');
