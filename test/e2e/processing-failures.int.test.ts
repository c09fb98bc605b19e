import { randomUUID } from 'node:crypto';
import { createS3 } from '../../src/infra/s3';
import { fixtureBytes } from '../support/fixtures';
import { genesysTextWebhook, postGenesysWebhook } from '../support/genesys-webhooks';
import { startPipeline, type TestPipeline } from '../support/pipeline';
import { streamEvents, waitForSettled } from '../support/streams';
import { TcpFaultProxy } from '../../bench/lib/faults/tcp-proxy';
import { waitFor } from '../support/wait';

const TENANT = 'acme';
const INTEGRATION = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';
const BROKEN_TENANT = 'broken-key';
const BROKEN_INTEGRATION = '5b1f8c3e-2d4a-4c6b-9e7f-0a1b2c3d4e5f';
const SECRET = 'processing-webhook-secret-01';
const WA_ID = '447700900125';

/**
 * Nothing acknowledged is lost: a dependency that is down delays a message (retried for as long as it lasts), a
 * failure that retrying cannot fix ends it visibly (MessageFailed and a Failed receipt to Genesys). Neither goes
 * silently to dead_letters.
 */
describe('processing failures (real services; S3 lost through a proxy of its own)', () => {
  let pipeline: TestPipeline;
  const s3 = new TcpFaultProxy(Number(new URL(process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000').port));
  const deadLetters = async () =>
    (await pipeline.connections.pool.query('SELECT source, error FROM dead_letters')).rows;

  beforeAll(async () => {
    const port = await s3.start();
    pipeline = await startPipeline('procfail', {
      workers: {
        // The media mover writes through the proxy; the rest of the bridge uses S3 directly.
        mediaS3: createS3(
          `http://127.0.0.1:${port}`,
          process.env.S3_ACCESS_KEY ?? 'bridge-local',
          process.env.S3_SECRET_KEY ?? 'bridge-local-secret-key',
          process.env.S3_REGION ?? 'us-east-1',
        ),
        // Quick retries: the rules are the same, the outage need not last long to outlive the old 8 attempts.
        outboundConsumer: { retryDelayMs: () => 100 },
      },
    });
    for (const [tenantId, integrationId] of [
      [TENANT, INTEGRATION],
      [BROKEN_TENANT, BROKEN_INTEGRATION],
    ] as const) {
      await pipeline.addTenant({ tenantId, integrationId, region: 'usw2.pure.cloud', webhookSecret: SECRET });
    }
  });
  afterAll(async () => {
    await pipeline.stop();
    await s3.stop();
  });

  it('delivers a media message held up by an S3 outage once S3 is back, never failing or dropping it', async () => {
    const conversationId = randomUUID();
    await pipeline.link(TENANT, conversationId, WA_ID);
    const messageId = randomUUID();
    const body = fixtureBytes('genesys/outbound-attachment-document.json')
      .toString()
      .replaceAll('c327c2078ca056db130c55ce648d9fa2', messageId)
      .replace('d06cb41e-f938-4dcf-b823-c8af1a39d7e5', conversationId);
    const url = (JSON.parse(body) as { content: { attachment?: { url: string } }[] }).content.find(
      (item) => item.attachment,
    )!.attachment!.url;
    pipeline.genesys.addAttachment(url.split('/').pop()!, Buffer.from('%PDF-1.4 terms'), 'application/pdf');
    const streamId = `outbound-${TENANT}-${messageId}`;

    s3.reset(true);
    expect((await postGenesysWebhook(pipeline.app, SECRET, body)).statusCode).toBe(200);
    // Well past the 8 tries after which the message used to go to dead_letters.
    await waitFor(
      'the media mover to keep trying S3',
      async () => (s3.refused >= 15 ? true : undefined),
      60_000,
    );
    const during = (await streamEvents(pipeline.connections.pool, streamId)).map((event) => event.type);
    expect(during).not.toContain('MessageFailed');
    expect(during).not.toContain('MediaStored');
    expect(await deadLetters()).toEqual([]);

    s3.resume();
    const events = await waitForSettled(
      pipeline.connections.pool,
      streamId,
      ['MessageSent', 'MessageFailed'],
      60_000,
    );
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['MediaStored', 'SendRequested', 'MessageSent']),
    );
    expect(events.map((event) => event.type)).not.toContain('MessageFailed');
    expect(
      pipeline.meta.sentMessages.filter((sent) => sent.bizOpaqueCallbackData === messageId),
    ).toHaveLength(1);
    expect(await deadLetters()).toEqual([]);
  });

  it('ends a message that cannot be processed (credentials that no longer open) with MessageFailed and a Failed receipt', async () => {
    // The sealed WhatsApp token no longer opens (a lost or rotated key): retrying gives the same answer.
    await pipeline.connections.pool.query(
      `UPDATE tenant_credentials SET ciphertext = decode(repeat('ab', 60), 'hex')
        WHERE tenant_id = $1 AND credential_type = 'whatsapp'`,
      [BROKEN_TENANT],
    );
    const conversationId = randomUUID();
    const webhook = genesysTextWebhook({ tenantId: BROKEN_TENANT, conversationId, text: 'never sent' });
    const body = webhook.body.replace(INTEGRATION, BROKEN_INTEGRATION);
    expect(body).toContain(BROKEN_INTEGRATION);
    expect((await postGenesysWebhook(pipeline.app, SECRET, body)).statusCode).toBe(200);

    const events = await waitForSettled(
      pipeline.connections.pool,
      webhook.streamId,
      ['MessageFailed'],
      60_000,
    );
    expect(events.find((event) => event.type === 'MessageFailed')!.data).toMatchObject({
      reason: 'ProcessingFailed',
      message: expect.not.stringContaining('authenticate'),
    });
    const receipt = await waitFor(
      'the Failed receipt at Genesys',
      async () =>
        pipeline.genesys.receipts.find((candidate) => candidate.body.id === webhook.messageId)?.body,
      30_000,
    );
    expect(receipt).toMatchObject({ status: 'Failed', reasons: [{ code: 'ServerError' }] });
    expect(
      pipeline.meta.sentMessages.filter((sent) => sent.bizOpaqueCallbackData === webhook.messageId),
    ).toEqual([]);
    expect(await deadLetters()).toEqual([]);
  });
});
