import type { ReceiveWebhook } from '../../commands/outbound-message/commands';
import type { WebhookReceivedData } from '../../events/schemas/webhook-received';
import { legacyOutboundMessageSchema } from './legacy-outbound-message';
import {
  expectedLegacyBody,
  outboundFixtureWebhooks,
  receiveWebhookFor,
} from '../../../test/bridges/support/fixture-webhooks';
import { toLegacyOutboundMessage } from './to-legacy-outbound-message';

/** The event data the decider appends for a command (it adds only isSendable). */
const dataOf = ({ type: _type, ...command }: ReceiveWebhook): WebhookReceivedData => ({
  ...command,
  isSendable: command.messageType === 'Text' || command.messageType === 'Structured',
});

const webhookBody = (overrides: Record<string, unknown>): string =>
  JSON.stringify({
    id: 'gmsg-1',
    channel: { id: 'integration-1', messageId: 'gmsg-1', to: { id: 'customer-1' } },
    conversationId: 'conv-1',
    direction: 'Outbound',
    type: 'Text',
    ...overrides,
  });

const attachmentItem = (attachment: Record<string, unknown>) => ({
  contentType: 'Attachment',
  attachment: { mediaType: 'Audio', url: 'https://api-downloads.mypurecloud.com/a/1', ...attachment },
});

describe('toLegacyOutboundMessage', () => {
  it.each(outboundFixtureWebhooks().map((fixture) => [fixture.name, fixture] as const))(
    'carries %s exactly as the legacy webhook service did',
    (_name, fixture) => {
      const body = toLegacyOutboundMessage('tenant-001', dataOf(fixture.command));
      expect(body).toStrictEqual(expectedLegacyBody(fixture.json, 'tenant-001'));
    },
  );

  it('writes the keys in the legacy order, with null where Genesys sent no conversation id or text', () => {
    const data = dataOf(receiveWebhookFor(webhookBody({ conversationId: undefined, text: undefined })));
    expect(JSON.stringify(toLegacyOutboundMessage('tenant-001', data))).toBe(
      '{"conversationId":null,"messageId":"gmsg-1","type":"Text","text":null,"tenantId":"tenant-001"}',
    );
  });

  it('passes the full text, not a preview of it', () => {
    const long = 'é'.repeat(5000);
    const data = dataOf(receiveWebhookFor(webhookBody({ text: long })));
    expect(toLegacyOutboundMessage('tenant-001', data).text).toBe(long);
  });

  it('reads the event, never the raw body', () => {
    const data = dataOf(receiveWebhookFor(webhookBody({ text: 'from the event' })));
    expect(toLegacyOutboundMessage('tenant-001', { ...data, rawBody: 'not json' }).text).toBe(
      'from the event',
    );
  });

  it('keeps an empty text as the empty string the agent sent', () => {
    const data = dataOf(receiveWebhookFor(webhookBody({ text: '' })));
    expect(toLegacyOutboundMessage('tenant-001', data).text).toBe('');
  });

  it('passes Genesys attachment values verbatim, even those the event summary leaves out', () => {
    const data = dataOf(
      receiveWebhookFor(
        webhookBody({ content: [attachmentItem({ mime: 'audio/ogg; codecs=opus', filename: 'voice.ogg' })] }),
      ),
    );
    expect(data.attachment?.mime).toBeUndefined(); // not a bare MIME type, so the summary dropped it
    expect(toLegacyOutboundMessage('tenant-001', data).attachment).toStrictEqual({
      mediaType: 'Audio',
      url: 'https://api-downloads.mypurecloud.com/a/1',
      mime: 'audio/ogg; codecs=opus',
      filename: 'voice.ogg',
      contentSizeBytes: null,
    });
  });

  it('takes the first attachment of several', () => {
    const data = dataOf(
      receiveWebhookFor(
        webhookBody({
          content: [
            attachmentItem({ url: 'https://api-downloads.mypurecloud.com/first' }),
            attachmentItem({ url: 'https://api-downloads.mypurecloud.com/second' }),
          ],
        }),
      ),
    );
    expect(toLegacyOutboundMessage('tenant-001', data).attachment?.url).toBe(
      'https://api-downloads.mypurecloud.com/first',
    );
  });

  it('passes a MIME type that only differs in case as Genesys sent it', () => {
    const data = dataOf(receiveWebhookFor(webhookBody({ content: [attachmentItem({ mime: 'Audio/OGG' })] })));
    expect(data.content?.attachments[0]?.mime).toBe('audio/ogg');
    expect(toLegacyOutboundMessage('tenant-001', data).attachment?.mime).toBe('Audio/OGG');
  });

  it("falls back to the event's attachment summary for a v2 event whose raw body no longer translates", () => {
    const data: WebhookReceivedData = {
      ...dataOf(receiveWebhookFor(webhookBody({ text: 'lost' }))),
      rawBody: 'not json',
      content: null,
      attachment: { mediaType: 'Image', url: 'https://api-downloads.mypurecloud.com/i', mime: 'image/png' },
    };
    expect(toLegacyOutboundMessage('tenant-001', data).attachment).toStrictEqual({
      mediaType: 'Image',
      url: 'https://api-downloads.mypurecloud.com/i',
      mime: 'image/png',
      filename: null,
      contentSizeBytes: null,
    });
    expect(toLegacyOutboundMessage('tenant-001', data).text).toBeNull();
  });
});

describe('the legacy queue body schema', () => {
  const valid = {
    conversationId: 'conv-1',
    messageId: 'gmsg-1',
    type: 'Text',
    text: 'Hello',
    tenantId: 'tenant-001',
  };
  const attachment = {
    mediaType: 'File',
    url: 'https://x/y',
    mime: null,
    filename: null,
    contentSizeBytes: null,
  };

  it('accepts the contract shape, with and without an attachment', () => {
    expect(legacyOutboundMessageSchema.safeParse(valid).success).toBe(true);
    expect(legacyOutboundMessageSchema.safeParse({ ...valid, attachment }).success).toBe(true);
  });

  it.each([
    ['an extra field', { ...valid, waId: '919876543210' }],
    ['a missing field', { conversationId: 'conv-1', messageId: 'gmsg-1', type: 'Text', tenantId: 't' }],
    ['a renamed field', { ...valid, genesysMessageId: 'gmsg-1', messageId: undefined }],
    ['an undefined text instead of null', { ...valid, text: undefined }],
    ['an extra attachment field', { ...valid, attachment: { ...attachment, id: 'att-1' } }],
    ['a size given as text', { ...valid, attachment: { ...attachment, contentSizeBytes: '10' } }],
  ])('refuses %s', (_case, body) => {
    expect(legacyOutboundMessageSchema.safeParse(body).success).toBe(false);
  });
});
