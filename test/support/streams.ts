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

/** Waits until the stream's last event is one of `types` (the message settled), and returns the whole stream. */
export const waitForSettled = (pool: Pool, streamId: string, types: string[], timeoutMs?: number) =>
  waitFor(
    `${streamId} to end with ${types.join(' or ')}`,
    async () => {
      const events = await streamEvents(pool, streamId);
      return types.includes(events.at(-1)?.type ?? '') ? events : undefined;
    },
    timeoutMs,
  );
