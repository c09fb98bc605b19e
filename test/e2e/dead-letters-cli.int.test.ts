import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { recordDeadLetter } from '../../src/processors/runtime/dead-letter';
import type { DeadLetterRow, RetryResult } from '../../src/processors/runtime/dead-letter-retry';
import { genesysTextWebhook, postGenesysWebhook } from '../support/genesys-webhooks';
import { startPipeline, type TestPipeline } from '../support/pipeline';
import { streamEvents } from '../support/streams';

const run = promisify(execFile);
const TENANT = 'acme';
const SECRET = 'dead-letters-webhook-secret';
const WA_ID = '447700900126';

/**
 * `bridge dead-letters list` and `retry` against a real database: the pipeline runs without its processors, so a
 * stored webhook stays unsent until the CLI hands its dead letter to the outbound processor's handler.
 */
describe('bridge dead-letters (CLI)', () => {
  let pipeline: TestPipeline;
  let env: NodeJS.ProcessEnv;
  const cli = path.resolve(__dirname, '../../src/cli/main.ts');
  const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx');
  const bridge = (...args: string[]) => run(tsx, [cli, 'dead-letters', ...args], { env, timeout: 90_000 });

  beforeAll(async () => {
    pipeline = await startPipeline('deadletters', { roles: ['api', 'relay', 'projector'] });
    await pipeline.addTenant({
      tenantId: TENANT,
      integrationId: '73cb7fb7-c2db-4996-88f3-0a83a4fea1da',
      region: 'usw2.pure.cloud',
      webhookSecret: SECRET,
    });
    const { config } = pipeline;
    env = {
      ...process.env,
      DATABASE_URL: config.DATABASE_URL,
      REDIS_KEY_PREFIX: config.REDIS_KEY_PREFIX,
      CREDENTIALS_KEY: config.CREDENTIALS_KEY!,
      KAFKA_TOPIC_PREFIX: config.KAFKA_TOPIC_PREFIX,
      S3_MEDIA_BUCKET: config.S3_MEDIA_BUCKET,
      S3_ARCHIVE_BUCKET: config.S3_ARCHIVE_BUCKET,
      META_GRAPH_URL: pipeline.meta.url,
      GENESYS_API_URL_TEMPLATE: pipeline.genesys.url,
      GENESYS_LOGIN_URL_TEMPLATE: pipeline.genesys.url,
      LOG_LEVEL: 'error',
    };
  });
  afterAll(() => pipeline.stop());

  it('lists dead letters, retries one through its processor, and marks it retried', async () => {
    const conversationId = randomUUID();
    await pipeline.link(TENANT, conversationId, WA_ID);
    const webhook = genesysTextWebhook({ tenantId: TENANT, conversationId, text: 'parked, then retried' });
    expect((await postGenesysWebhook(pipeline.app, SECRET, webhook.body)).statusCode).toBe(200);
    const [received] = await pipeline.services.store.readStream(webhook.streamId);
    // As the outbound processor parks an event it gave up on, and as it parks a Kafka message it cannot read.
    await recordDeadLetter(pipeline.connections.pool, {
      source: 'processor.outbound',
      error: 'connect ECONNREFUSED 127.0.0.1:9000',
      eventId: received!.eventId,
      globalPosition: received!.globalPosition,
      streamId: received!.streamId,
      streamPosition: received!.streamPosition,
      eventType: received!.type,
      payload: received,
    });
    await recordDeadLetter(pipeline.connections.pool, {
      source: 'processor.outbound',
      error: 'undecodable message: Unexpected token',
      payload: null,
    });

    const listed = JSON.parse((await bridge('list', '--json')).stdout) as DeadLetterRow[];
    expect(listed).toEqual([
      expect.objectContaining({
        source: 'processor.outbound',
        eventType: 'WebhookReceived',
        retriedAt: null,
      }),
      expect.objectContaining({ source: 'processor.outbound', eventId: null, retriedAt: null }),
    ]);
    const human = (await bridge('list')).stdout;
    expect(human).toContain('ECONNREFUSED');
    expect(human).toContain(webhook.streamId);

    const retried = JSON.parse((await bridge('retry', listed[0]!.id, '--json')).stdout) as RetryResult[];
    expect(retried).toEqual([{ id: listed[0]!.id, source: 'processor.outbound', outcome: 'handled' }]);
    expect((await streamEvents(pipeline.connections.pool, webhook.streamId)).map((e) => e.type)).toContain(
      'MessageSent',
    );
    expect(
      pipeline.meta.sentMessages.filter((sent) => sent.bizOpaqueCallbackData === webhook.messageId),
    ).toHaveLength(1);

    // Only the undecodable one is still open; --all shows the retried one with its time.
    const open = JSON.parse((await bridge('list', '--json')).stdout) as DeadLetterRow[];
    expect(open.map((row) => row.id)).toEqual([listed[1]!.id]);
    const all = JSON.parse((await bridge('list', '--json', '--all')).stdout) as DeadLetterRow[];
    expect(all.find((row) => row.id === listed[0]!.id)).toMatchObject({
      retriedAt: expect.any(String),
      retryAttempts: 1,
    });

    // A message that was never an event cannot be handed to anybody: said so, non-zero exit, still open.
    await expect(bridge('retry', '--all')).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining(`${listed[1]!.id} processor.outbound not-retryable: no event stored`),
    });
    const still = JSON.parse((await bridge('list', '--json')).stdout) as DeadLetterRow[];
    expect(still).toEqual([expect.objectContaining({ id: listed[1]!.id, retryAttempts: 1 })]);
    await expect(bridge('retry', '999999')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no open dead letter 999999'),
    });
  });
});
