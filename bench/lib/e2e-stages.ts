import type { Pool } from 'pg';
import { outboundStreamId } from '../../src/events/schemas/stream-ids';
import { percentile } from './latency';

/** The events an outbound text message goes through, in order (src/commands/outbound-message/decider.ts). */
const STAGE_EVENTS = ['WebhookReceived', 'MappingResolved', 'SendRequested', 'MessageSent'] as const;
type StageEvent = (typeof STAGE_EVENTS)[number];

export interface MessageTimes {
  /** When the webhook was due to be sent (epoch ms). */
  sentAtMs: number;
  /** When the Meta simulator received the send (epoch ms), if it did. */
  metaAtMs: number | undefined;
}

export interface StageSummary {
  name: string;
  p50Ms: number;
  p99Ms: number;
  samples: number;
}

/**
 * Splits end-to-end latency into the steps between the message's events, from the events' recorded_at (the
 * start of the appending transaction, on the same machine clock as the bench): where the time goes, measured on
 * every message rather than guessed from a profile.
 */
export const stageBreakdown = async (
  pool: Pool,
  tenantId: string,
  messages: Map<string, MessageTimes>,
  /** When the relay published each WebhookReceived to Kafka, by event id (bench/lib/kafka-timestamps.ts). */
  published: Map<string, number>,
): Promise<StageSummary[]> => {
  const streamIds = [...messages.keys()].map((id) => outboundStreamId(tenantId, id));
  const { rows } = await pool.query<{ stream_id: string; type: StageEvent; at: number; event_id: string }>(
    `SELECT stream_id, type, extract(epoch FROM min(recorded_at)) * 1000 AS at,
            (array_agg(event_id ORDER BY stream_position))[1] AS event_id
       FROM events WHERE stream_id = ANY($1) AND type = ANY($2) GROUP BY stream_id, type`,
    [streamIds, [...STAGE_EVENTS]],
  );
  const prefix = outboundStreamId(tenantId, 'x').slice(0, -1);
  const times = new Map<string, Stamps>();
  for (const row of rows) {
    const id = row.stream_id.slice(prefix.length);
    const stamps: Stamps = { ...times.get(id), [row.type]: Number(row.at) };
    if (row.type === 'WebhookReceived') stamps.published = published.get(row.event_id);
    times.set(id, stamps);
  }
  const steps: Array<{
    name: string;
    from: (m: Stamps) => number | undefined;
    to: (m: Stamps) => number | undefined;
  }> = [
    { name: 'webhook sent → WebhookReceived appended', from: (m) => m.sent, to: (m) => m.WebhookReceived },
    {
      name: 'WebhookReceived appended → published to Kafka (relay)',
      from: (m) => m.WebhookReceived,
      to: (m) => m.published,
    },
    {
      name: 'published → MappingResolved (Kafka, consumer, driver step 1)',
      from: (m) => m.published,
      to: (m) => m.MappingResolved,
    },
    { name: 'MappingResolved → SendRequested', from: (m) => m.MappingResolved, to: (m) => m.SendRequested },
    { name: 'SendRequested → Meta received', from: (m) => m.SendRequested, to: (m) => m.meta },
    { name: '(after) Meta received → MessageSent', from: (m) => m.meta, to: (m) => m.MessageSent },
  ];
  return steps.map((step) => {
    const samples: number[] = [];
    for (const [id, message] of messages) {
      const stamps: Stamps = { ...times.get(id), sent: message.sentAtMs, meta: message.metaAtMs };
      const from = step.from(stamps);
      const to = step.to(stamps);
      if (from !== undefined && to !== undefined) samples.push(to - from);
    }
    samples.sort((a, b) => a - b);
    return {
      name: step.name,
      p50Ms: percentile(samples, 50),
      p99Ms: percentile(samples, 99),
      samples: samples.length,
    };
  });
};

type Stamps = Partial<Record<StageEvent, number>> & {
  sent?: number | undefined;
  published?: number | undefined;
  meta?: number | undefined;
};

/** How the messages that never reached Meta ended: last event type (and reason), counted. */
export const undeliveredOutcomes = async (
  pool: Pool,
  tenantId: string,
  messageIds: string[],
): Promise<string> => {
  if (messageIds.length === 0) return '';
  const { rows } = await pool.query<{ outcome: string; count: string }>(
    `SELECT concat(type, coalesce(' ' || (data ->> 'reason'), '')) AS outcome, count(*) AS count
       FROM (SELECT DISTINCT ON (stream_id) stream_id, type, data FROM events
              WHERE stream_id = ANY($1) ORDER BY stream_id, stream_position DESC) AS last
      GROUP BY 1 ORDER BY 2 DESC`,
    [messageIds.map((id) => outboundStreamId(tenantId, id))],
  );
  const stored = rows.reduce((sum, row) => sum + Number(row.count), 0);
  const outcomes = rows.map((row) => `${row.count} × ${row.outcome}`);
  if (stored < messageIds.length) outcomes.push(`${messageIds.length - stored} × no event at all`);
  // Why those that failed did: the last event is often the receipt, which names only Genesys' reason code.
  const failed = await pool.query<{ failure: string; count: string }>(
    `SELECT concat(data ->> 'stage', '/', data ->> 'reason', ': ', left(data ->> 'message', 100)) AS failure,
            count(*) AS count
       FROM events WHERE stream_id = ANY($1) AND type = 'MessageFailed' GROUP BY 1 ORDER BY 2 DESC`,
    [messageIds.map((id) => outboundStreamId(tenantId, id))],
  );
  if (failed.rows.length)
    outcomes.push(`failed as ${failed.rows.map((row) => `${row.count} × ${row.failure}`).join('; ')}`);
  return outcomes.join(', ');
};
