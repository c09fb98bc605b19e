import type { FreshDatabase } from './fresh-database';
import { webhookFactory } from './genesys-webhooks';

/** The tenant the history belongs to: never the bench tenant, so counts of the bench's own events stay exact. */
export const HISTORY_TENANT = 'history';

/** The relay's default name (src/events/relay/relay.ts), whose checkpoint row the serve command's relay uses. */
const RELAY_NAME = 'kafka';

/**
 * Gives a fresh bridge database a past: `events` stored WebhookReceived rows of another tenant (one stream each,
 * over 1000 conversations, with a real webhook as raw body), the relay's checkpoint after them (nothing of the
 * past is published again), and statistics.
 *
 * Why: an empty events table is not what a deployment runs on. Until a table has grown and been analyzed, the
 * planner takes it for a few hundred rows, and plans cached in that state stay for the life of the connection:
 * append_to_stream's idempotency lookup is then a sequential scan of `events` per append, whose cost grows with
 * every event the bench writes (see the report of the webhook bench). With a history the benches measure the
 * steady state; `--history 0` measures a brand-new deployment instead.
 */
export const fillHistory = async (db: FreshDatabase, events: number): Promise<void> => {
  if (events > 0) {
    const sample = webhookFactory('history-secret-not-checked')(0, 'history-conversation');
    const data = JSON.stringify({
      integrationId: 'history',
      genesysMessageId: 'history',
      rawBody: sample.body,
    });
    for (let done = 0; done < events; done += 10_000) {
      await db.pool.query(
        `INSERT INTO events (stream_id, stream_position, event_id, type, version, tenant_id, conversation_id,
           occurred_at, data)
         SELECT 'outbound-${HISTORY_TENANT}-' || ($1::integer + g), 1, gen_random_uuid(), 'WebhookReceived', 1,
                '${HISTORY_TENANT}', 'history-' || (($1::integer + g) % 1000), now() - interval '1 day', $2::jsonb
           FROM generate_series(1, $3::integer) AS g`,
        [done, data, Math.min(10_000, events - done)],
      );
    }
    await db.pool.query(
      `INSERT INTO streams (stream_id, position) SELECT stream_id, 1 FROM events WHERE tenant_id = $1`,
      [HISTORY_TENANT],
    );
    await db.pool.query(
      `INSERT INTO relay_checkpoints (name, transaction_id, global_position)
       SELECT $1, transaction_id, global_position FROM events
        ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
      [RELAY_NAME],
    );
  }
  await db.pool.query('ANALYZE');
};

export const historyNote = (events: number): string =>
  events > 0
    ? `the bridge database starts with a history of ${events.toLocaleString('en-US')} stored events of another tenant (relay checkpoint after them) and statistics, like a running deployment; --history 0 starts empty`
    : 'the bridge database starts EMPTY (--history 0): young tables without statistics, as in a new deployment';
