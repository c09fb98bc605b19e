import { randomUUID } from 'node:crypto';
import { HTTP_BODY_LIMIT_BYTES } from '../../src/events/relay/event-size';
import { readTopics } from '../../src/events/relay/testing/read-topics';
import { OUTBOUND_MESSAGES_TOPIC } from '../../src/events/relay/topic-routing';
import { genesysSignature } from '../../src/http/signatures';
import { startPipeline, type TestPipeline } from '../support/pipeline';
import { waitFor } from '../support/wait';

const BIG_SECRET = 'largest-webhook-secret-big-0001';
const SMALL_SECRET = 'largest-webhook-secret-small-01';

const webhook = (integrationId: string, text: string) => {
  const messageId = randomUUID();
  return {
    messageId,
    body: JSON.stringify({
      id: messageId,
      channel: { id: integrationId, messageId, platform: 'Open', to: { id: '16505551234' } },
      conversationId: randomUUID(),
      direction: 'Outbound',
      type: 'Text',
      text,
    }),
  };
};

/**
 * The largest text webhook the route accepts: a text of `"` (two bytes in the body, four once the event's rawBody
 * is escaped again, two more in the event's content) filling the body up to the 1 MiB limit, the worst a tenant can
 * send. One tenant's such webhook must not hold up anyone: before sized topics a record this large was refused by
 * the broker forever; v3 events (raw body and content, ~3 MiB) need the topic limit of event-size.ts.
 */
describe('the largest webhook the route accepts', () => {
  let pipeline: TestPipeline;

  beforeAll(async () => {
    // The relay alone: what matters is that every event reaches the topic.
    pipeline = await startPipeline('largest', { roles: ['relay'] });
    await pipeline.addTenant({
      tenantId: 'big',
      integrationId: 'int-big',
      region: 'mypurecloud.com',
      webhookSecret: BIG_SECRET,
    });
    await pipeline.addTenant({
      tenantId: 'small',
      integrationId: 'int-small',
      region: 'mypurecloud.com',
      webhookSecret: SMALL_SECRET,
    });
  });

  afterAll(async () => {
    await pipeline.stop();
  });

  const post = (secret: string, body: string) =>
    pipeline.app.inject({
      method: 'POST',
      url: '/webhook/genesys',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': genesysSignature(secret, body) },
      payload: body,
    });

  it('is published, and so is everything after it from another tenant', async () => {
    const base = Buffer.byteLength(webhook('int-big', '').body);
    const big = webhook('int-big', '"'.repeat(Math.floor((HTTP_BODY_LIMIT_BYTES - base) / 2)));
    expect(Buffer.byteLength(big.body)).toBeGreaterThan(HTTP_BODY_LIMIT_BYTES - 8);
    expect(Buffer.byteLength(big.body)).toBeLessThanOrEqual(HTTP_BODY_LIMIT_BYTES);
    expect((await post(BIG_SECRET, big.body)).statusCode).toBe(200);

    const small = Array.from({ length: 5 }, (_, index) => webhook('int-small', `hello ${index}`));
    for (const { body } of small) expect((await post(SMALL_SECRET, body)).statusCode).toBe(200);

    const topic = `${pipeline.ns.topicPrefix}${OUTBOUND_MESSAGES_TOPIC}`;
    const wanted = new Set<string>([big.messageId, ...small.map(({ messageId }) => messageId)]);
    const records = await waitFor(
      'all six webhooks on the outbound topic',
      async () => {
        const found = (await readTopics(pipeline.connections.kafka, [topic])).filter(
          (record) =>
            record.event.type === 'WebhookReceived' &&
            wanted.has((record.event.data as { genesysMessageId: string }).genesysMessageId),
        );
        return found.length === wanted.size ? found : undefined;
      },
      60_000,
    );
    const bigRecord = records.find(
      (record) => (record.event.data as { genesysMessageId: string }).genesysMessageId === big.messageId,
    )!;
    const data = bigRecord.event.data as { rawBody: string; content: { text: string } };
    expect(data.rawBody).toBe(big.body); // the raw body whole
    expect(data.content.text).toBe(JSON.parse(big.body).text); // and the text whole, translated
    expect(bigRecord.event.version).toBe(3);
  }, 120_000);
});
