import { recordDeadLetter } from '../../src/processors/runtime/dead-letter';
import { randomUUID } from 'node:crypto';
import { genesysSignature } from '../../src/http/signatures';
import { fixtureBytes } from '../support/fixtures';
import { startPipeline, type TestPipeline } from '../support/pipeline';
import { waitForSettled } from '../support/streams';
import { waitFor } from '../support/wait';
import { outboundStreamId } from '../../src/events/schemas/stream-ids';

const TENANT = 'acme';
const SECRET = 'metrics-webhook-secret-0001';

/** Reads one sample of a Prometheus text exposition: `name{label="v",…} value`. */
const sample = (text: string, name: string, labels: Record<string, string> = {}): number | undefined => {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const matches = Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`));
    if (matches) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
};

describe('GET /metrics after a scenario', () => {
  let pipeline: TestPipeline;
  const correlationIds: string[] = [];

  const post = async (conversationId: string) => {
    const messageId = randomUUID();
    const base = JSON.parse(fixtureBytes('genesys/outbound-text.json').toString()) as { channel: object };
    const body = JSON.stringify({
      ...base,
      id: messageId,
      channel: { ...base.channel, id: 'int-acme', messageId },
      conversationId,
    });
    const response = await pipeline.app.inject({
      method: 'POST',
      url: '/webhook/genesys',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': genesysSignature(SECRET, body) },
      payload: body,
    });
    expect(response.statusCode).toBe(200);
    correlationIds.push(String(response.headers['x-correlation-id']));
    return outboundStreamId(TENANT, messageId);
  };
  const metrics = async () => (await pipeline.internal.inject({ method: 'GET', url: '/metrics' })).body;

  beforeAll(async () => {
    pipeline = await startPipeline('metrics');
    await pipeline.addTenant({
      tenantId: TENANT,
      integrationId: 'int-acme',
      region: 'mypurecloud.ie',
      webhookSecret: SECRET,
    });
    await pipeline.link(TENANT, 'conv-metrics', '16505551234');
    pipeline.meta.failNext({ metaErrorCode: 130429 });
    const streams = [await post('conv-metrics'), await post('conv-metrics'), await post('conv-unmapped')];
    await waitForSettled(pipeline.connections.pool, streams[0]!, ['MessageSent']);
    await waitForSettled(pipeline.connections.pool, streams[1]!, ['MessageSent']);
    await waitForSettled(pipeline.connections.pool, streams[2]!, ['MappingMissing']);
  });
  afterAll(() => pipeline.stop());

  it('counts acknowledgements, appended events, Meta outcomes and cache lookups', async () => {
    const text = await metrics();
    expect(sample(text, 'bridge_webhook_ack_seconds_count', { source: 'genesys', status: '2xx' })).toBe(3);
    expect(sample(text, 'bridge_events_appended_total', { type: 'WebhookReceived' })).toBe(3);
    expect(sample(text, 'bridge_events_appended_total', { type: 'MappingMissing' })).toBe(1);
    expect(sample(text, 'bridge_events_appended_total', { type: 'MessageSent' })).toBe(2);
    expect(sample(text, 'bridge_meta_send_outcomes_total', { outcome: 'sent' })).toBe(2);
    expect(sample(text, 'bridge_meta_send_outcomes_total', { outcome: 'retry', code: '130429' })).toBe(1);
    // The first webhook misses the tenant cache, the next two hit it.
    expect(sample(text, 'bridge_cache_requests_total', { cache: 'tenant-config', outcome: 'miss' })).toBe(1);
    expect(sample(text, 'bridge_cache_requests_total', { cache: 'tenant-config', outcome: 'hit' })).toBe(2);
    expect(
      sample(text, 'bridge_cache_requests_total', { cache: 'whatsapp-token', outcome: 'hit' }),
    ).toBeGreaterThan(0);
    expect(sample(text, 'bridge_cache_requests_total', { cache: 'mapping', outcome: 'hit' })).toBeGreaterThan(
      0,
    );
  });

  it('shows the relay and every consumer caught up', async () => {
    await waitFor('zero lag', async () => {
      const text = await metrics();
      const lags = [
        'processor.outbound',
        'projection.conversation-mappings',
        'projection.message-tracking',
      ].map((consumer) => sample(text, 'bridge_consumer_lag_messages', { consumer }));
      return sample(text, 'bridge_relay_lag_events') === 0 && lags.every((lag) => lag === 0)
        ? true
        : undefined;
    });
    // Caught up, the relay sleeps until a NOTIFY or its poll: each pause is counted by reason and by what ended it.
    await waitFor('a counted relay pause', async () => {
      const text = await metrics();
      const idle = ['notified', 'timer'].map(
        (ended) => sample(text, 'bridge_relay_waits_total', { reason: 'idle', ended }) ?? 0,
      );
      return idle.some((count) => count > 0) ? true : undefined;
    });
  });

  it('shows open dead letters by source, read from PostgreSQL, until they are retried', async () => {
    await recordDeadLetter(pipeline.connections.pool, {
      source: 'metrics-test',
      error: 'parked for the gauge',
      eventId: randomUUID(),
      payload: null,
    });
    expect(sample(await metrics(), 'bridge_dead_letters_open', { source: 'metrics-test' })).toBe(1);
    await pipeline.connections.pool.query(
      `UPDATE dead_letters SET retried_at = now() WHERE source = 'metrics-test'`,
    );
    expect(sample(await metrics(), 'bridge_dead_letters_open', { source: 'metrics-test' })).toBeUndefined();
  });

  it('carries the webhook’s correlation id into every event of its message', async () => {
    const { rows } = await pipeline.connections.pool.query<{ correlation: string }>(
      `SELECT DISTINCT metadata->>'correlationId' AS correlation FROM events WHERE stream_id LIKE 'outbound-%'`,
    );
    expect(rows.map((row) => row.correlation).sort()).toEqual([...correlationIds].sort());
  });
});
