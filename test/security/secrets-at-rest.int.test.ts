import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { outboundStreamId } from '../../src/events/schemas/stream-ids';
import { relayTopics } from '../../src/events/relay/topic-routing';
import { readTopics } from '../../src/events/relay/testing/read-topics';
import { genesysSignature } from '../../src/http/signatures';
import { readQueue, type QueueReader } from '../bridges/support/queue-reader';
import { fixtureBytes } from '../support/fixtures';
import { GENESYS_CLIENT_SECRET, META_TOKEN, startPipeline, type TestPipeline } from '../support/pipeline';
import { waitForSettled } from '../support/streams';
import { waitFor } from '../support/wait';

const TENANT = 'tenant-usw2';
const INTEGRATION = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';
const WEBHOOK_SECRET = randomBytes(24).toString('hex');

/**
 * One attachment message through the whole pipeline (webhook, media, Meta, statuses back, a receipt to Genesys, a
 * status through the legacy API), then every place the bridge writes to is searched for every secret it holds:
 * the event store, the Kafka topics, the legacy queue, the archive and media buckets, Redis and the log.
 */
describe('no secret reaches a log, an event, a topic, the legacy queue, the archive or Redis', () => {
  let pipeline: TestPipeline;
  let queue: QueueReader;
  const logLines: string[] = [];
  const collector = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });

  const body = fixtureBytes('genesys/outbound-attachment-document.json');
  const webhook = JSON.parse(body.toString()) as {
    channel: { messageId: string };
    conversationId: string;
    content: { attachment?: { url: string } }[];
  };

  beforeAll(async () => {
    pipeline = await startPipeline('secrets-at-rest', { env: { LOG_LEVEL: 'debug' }, logTo: collector });
    queue = await readQueue(pipeline.config.AMQP_URL, pipeline.ns.queue);
    await pipeline.addTenant({
      tenantId: TENANT,
      integrationId: INTEGRATION,
      region: 'usw2.pure.cloud',
      webhookSecret: WEBHOOK_SECRET,
    });
    await pipeline.link(TENANT, webhook.conversationId, '16505551234', 'Jane Doe');
    const url = webhook.content.find((item) => item.attachment)!.attachment!.url;
    pipeline.genesys.addAttachment(url.split('/').pop()!, Buffer.from('%PDF-1.4 test'), 'application/pdf');
  }, 120_000);
  afterAll(async () => {
    await queue.close();
    await pipeline.stop();
  });

  it('carries the message end to end, then finds none of the secrets anywhere', async () => {
    const accepted = await pipeline.app.inject({
      method: 'POST',
      url: '/webhook/genesys',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': genesysSignature(WEBHOOK_SECRET, body),
      },
      payload: body,
    });
    expect(accepted.statusCode).toBe(200);
    const streamId = outboundStreamId(TENANT, webhook.channel.messageId);
    await waitForSettled(pipeline.connections.pool, streamId, ['MessageSent']);
    const [sent] = pipeline.meta.sentMessages;
    const metaWebhookUrl = `${await pipeline.app.listen({ port: 0, host: '127.0.0.1' })}/webhook/meta`;
    const delivered = await pipeline.meta.sendStatusWebhook(
      metaWebhookUrl,
      pipeline.config.META_APP_SECRET!,
      {
        wamid: sent!.wamid,
        status: 'delivered',
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipientId: '16505551234',
      },
    );
    expect(delivered.status).toBe(200);
    await waitForSettled(pipeline.connections.pool, streamId, ['Delivered']);
    const key = await pipeline.apiKeyHeaders(TENANT, ['state:write']);
    const read = await pipeline.internal.inject({
      method: 'PATCH',
      url: `/state/message/${sent!.wamid}`,
      headers: key,
      payload: { status: 'read' },
    });
    expect(read.statusCode).toBe(200);
    await pipeline.genesys.waitForReceipts(1, 30_000);
    await queue.waitUntil((received) => received.length >= 1);

    // Every secret the bridge holds or was handed, and every bearer credential it sent to Meta or Genesys.
    const bearerTokens = [...pipeline.meta.requests, ...pipeline.genesys.requests]
      .map((request) => request.headers.authorization)
      .filter((header): header is string => typeof header === 'string' && header.startsWith('Bearer '))
      .map((header) => header.slice('Bearer '.length));
    expect(bearerTokens.length).toBeGreaterThan(1); // Meta's token and Genesys' OAuth token were both used
    const secrets = new Set([
      WEBHOOK_SECRET,
      META_TOKEN,
      GENESYS_CLIENT_SECRET,
      pipeline.config.META_APP_SECRET!,
      pipeline.config.CREDENTIALS_KEY!,
      pipeline.adminToken,
      key['authorization']!.slice('Bearer '.length),
      ...bearerTokens,
    ]);

    const places: Record<string, string[]> = {};
    const { rows } = await pipeline.connections.pool.query<{ text: string }>(
      `SELECT data::text || metadata::text AS text FROM events
       UNION ALL SELECT row_to_json(t)::text FROM tenants t
       UNION ALL SELECT row_to_json(c)::text FROM tenant_credentials c
       UNION ALL SELECT row_to_json(d)::text FROM dead_letters d`,
    );
    places['PostgreSQL'] = rows.map((row) => row.text);
    const topics = relayTopics(pipeline.config.KAFKA_TOPIC_PREFIX, 3).map((topic) => topic.name);
    const records = await waitFor('the relay to publish the read status', async () => {
      const all = await readTopics(pipeline.connections.kafka, topics);
      return all.some((record) => record.eventType === 'Read') ? all : undefined;
    });
    places['Kafka'] = records.map((record) => JSON.stringify(record.event));
    places['legacy queue'] = queue.received.map((message) => message.body);
    places['S3'] = [];
    for (const bucket of [pipeline.config.S3_ARCHIVE_BUCKET, pipeline.config.S3_MEDIA_BUCKET]) {
      for await (const item of pipeline.connections.s3.listObjectsV2(bucket, '', true)) {
        const stream = await pipeline.connections.s3.getObject(bucket, item.name!);
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        places['S3'].push(item.name!, Buffer.concat(chunks).toString('utf8'));
      }
    }
    const redisKeys = await pipeline.connections.redis.keys(`${pipeline.ns.redisKeyPrefix}*`);
    places['Redis'] = [];
    for (const fullKey of redisKeys) {
      const name = fullKey.slice(pipeline.ns.redisKeyPrefix.length);
      const type = await pipeline.connections.redis.type(name);
      const value =
        type === 'string'
          ? await pipeline.connections.redis.get(name)
          : type === 'hash'
            ? JSON.stringify(await pipeline.connections.redis.hgetall(name))
            : '';
      places['Redis'].push(fullKey, value ?? '');
    }
    places['log'] = logLines;

    // The places were really searched: each holds the message's traces.
    expect(places['Kafka'].length).toBeGreaterThan(3);
    expect(places['legacy queue'].join('')).toContain(webhook.conversationId);
    expect(places['S3'].length).toBeGreaterThan(0);
    expect(places['Redis'].length).toBeGreaterThan(0);
    expect(logLines.length).toBeGreaterThan(0);

    const leaks: string[] = [];
    for (const [place, texts] of Object.entries(places)) {
      for (const secret of secrets) {
        if (texts.some((text) => text.includes(secret))) leaks.push(`${place}: ${secret.slice(0, 4)}…`);
      }
    }
    expect(leaks).toEqual([]);
  });
});
