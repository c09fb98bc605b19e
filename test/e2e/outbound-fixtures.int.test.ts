import { createHash } from 'node:crypto';
import { genesysSignature } from '../../src/http/signatures';
import { fixtureBytes } from '../support/fixtures';
import { startPipeline, type TestPipeline } from '../support/pipeline';
import { streamEvents, waitForSettled, withoutReceipts } from '../support/streams';
import { waitFor } from '../support/wait';
import { outboundStreamId } from '../../src/events/schemas/stream-ids';

/**
 * Every Genesys fixture through the real path: HTTP → PostgreSQL → relay → Kafka → outbound processor → the Meta
 * simulator, asserting the exact request Meta receives (or that none is sent, and why).
 */
const USW2 = { integrationId: '73cb7fb7-c2db-4996-88f3-0a83a4fea1da', region: 'usw2.pure.cloud' };
const IE = { integrationId: '6685901b-6d0e-43db-95ff-d64406e9dce2', region: 'mypurecloud.ie' };
const SECRET = 'fixture-webhook-secret-0001';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const postSigned = async (pipeline: TestPipeline, body: Buffer) => {
  const response = await pipeline.app.inject({
    method: 'POST',
    url: '/webhook/genesys',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': genesysSignature(SECRET, body) },
    payload: body,
  });
  expect(response.statusCode).toBe(200);
  return response.json() as { eventId: string; duplicate: boolean };
};

// The fixtures come from different sources but four share one Genesys message id: each runs in its own pipeline.
describe.each([
  ['text, older shape without conversationId, customer id not a phone number', 'outbound-text.json'],
  ['document attachment', 'outbound-attachment-document.json'],
  ['image attachment (real capture)', 'outbound-attachment-image.json'],
  ['structured notification without template name', 'outbound-structured-notification.json'],
  ['typing event', 'outbound-event-typing.json'],
])('fixture genesys/%s', (_title, file) => {
  let pipeline: TestPipeline;
  const body = fixtureBytes(`genesys/${file}`);
  const webhook = JSON.parse(body.toString()) as {
    channel: { id: string; messageId?: string; to: { id: string } };
    conversationId?: string;
    content?: { attachment?: { url: string } }[];
  };
  const messageId = webhook.channel.messageId!;
  const region = webhook.channel.id === IE.integrationId ? IE : USW2;
  const tenantId = region === IE ? 'tenant-ie' : 'tenant-usw2';
  const streamId = outboundStreamId(tenantId, messageId);
  const attachmentBytes = Buffer.from(`%bytes of ${file}% ✓ ${'x'.repeat(2000)}`);

  beforeAll(async () => {
    pipeline = await startPipeline(file.replace('.json', ''));
    await pipeline.addTenant({
      tenantId,
      integrationId: region.integrationId,
      region: region.region,
      webhookSecret: SECRET,
    });
    if (webhook.conversationId)
      await pipeline.link(tenantId, webhook.conversationId, '16505551234', 'Jane Doe');
    const url = webhook.content?.find((item) => item.attachment)?.attachment?.url;
    if (url) {
      const mime = file.includes('image') ? 'image/png' : 'application/pdf';
      pipeline.genesys.addAttachment(url.split('/').pop()!, attachmentBytes, mime);
    }
  });
  afterAll(() => pipeline.stop());

  it('is carried to Meta exactly as WhatsApp expects it, or stopped with its reason', async () => {
    await postSigned(pipeline, body);
    switch (file) {
      case 'outbound-text.json': {
        // No conversationId: the customer id Genesys holds must be a wa_id with a mapping. This one is an e-mail.
        const events = await waitForSettled(pipeline.connections.pool, streamId, ['MappingMissing']);
        expect(withoutReceipts(events)).toEqual(['WebhookReceived', 'MappingMissing']);
        expect(pipeline.meta.sentMessages).toHaveLength(0);
        break;
      }
      case 'outbound-attachment-document.json':
      case 'outbound-attachment-image.json': {
        const events = await waitForSettled(pipeline.connections.pool, streamId, [
          'MessageSent',
          'MessageFailed',
        ]);
        expect(withoutReceipts(events)).toEqual([
          'WebhookReceived',
          'MappingResolved',
          'MediaStored',
          'SendRequested',
          'MessageSent',
        ]);
        const media = events[2]!.data as { url: string; objectKey: string; mime: string };
        const [sent] = pipeline.meta.sentMessages;
        const isImage = file.includes('image');
        expect(sent!.body).toEqual({
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: '+16505551234',
          biz_opaque_callback_data: messageId,
          ...(isImage
            ? { type: 'image', image: { link: media.url } }
            : { type: 'document', document: { link: media.url, filename: 'file.pdf' } }),
        });
        expect(media.objectKey).toMatch(
          new RegExp(
            `^${tenantId}/outbound/${isImage ? 'images' : 'documents'}/\\d{4}-\\d{2}-\\d{2}/[0-9a-f-]{36}\\.${isImage ? 'png' : 'pdf'}$`,
          ),
        );
        expect(
          media.url.startsWith(`${pipeline.config.S3_PUBLIC_ENDPOINT}/${pipeline.config.S3_MEDIA_BUCKET}/`),
        ).toBe(true);
        // Meta fetched the presigned link: the bytes it got are the bytes Genesys served.
        expect(sent!.media?.sha256).toBe(sha256(attachmentBytes));
        const stat = await pipeline.connections.s3.statObject(
          pipeline.config.S3_MEDIA_BUCKET,
          media.objectKey,
        );
        expect(stat.metaData).toMatchObject({
          tenantid: tenantId,
          direction: 'outbound',
          conversationid: webhook.conversationId,
        });
        break;
      }
      case 'outbound-structured-notification.json': {
        // WhatsApp templates need a name and a language; this Genesys payload carries neither.
        const events = await waitForSettled(pipeline.connections.pool, streamId, ['MessageFailed']);
        expect(
          events.find((event) => event.type === 'MessageFailed' || event.type === 'MappingMissing')!.data,
        ).toMatchObject({ stage: 'transform', reason: 'TemplateNameMissing' });
        expect(pipeline.meta.sentMessages).toHaveLength(0);
        break;
      }
      case 'outbound-event-typing.json': {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect(withoutReceipts(await streamEvents(pipeline.connections.pool, streamId))).toEqual([
          'WebhookReceived',
        ]);
        expect(pipeline.meta.requests).toHaveLength(0);
        break;
      }
    }
    // Whatever became of it, the exact bytes Genesys sent are archived under the original design's key.
    const archived = await waitFor('the archived webhook', async () => {
      const names: string[] = [];
      for await (const item of pipeline.connections.s3.listObjectsV2(
        pipeline.config.S3_ARCHIVE_BUCKET,
        `${tenantId}/`,
        true,
      )) {
        if (item.name) names.push(item.name);
      }
      return names[0];
    });
    const conversationPart = webhook.conversationId ?? `no-conversation-${messageId}`;
    expect(archived).toMatch(
      new RegExp(`^${tenantId}/\\d{4}-\\d{2}-\\d{2}/\\d{13}-${conversationPart}\\.json$`),
    );
    const stream = await pipeline.connections.s3.getObject(pipeline.config.S3_ARCHIVE_BUCKET, archived);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(body)).toBe(true);
  });
});
