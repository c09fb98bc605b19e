import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  genesysWebhookSchema,
  summarizeWebhook,
  type GenesysWebhook,
  type WebhookSummary,
} from './outbound-webhook';
import { fixturePath } from '../../simulators/common/fixtures';

const FIXTURES = fixturePath('genesys');
const rawFixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');
const fixture = (name: string): unknown => JSON.parse(rawFixture(name));

const parse = (body: unknown): GenesysWebhook => genesysWebhookSchema.parse(body);
const summaryOf = (name: string): WebhookSummary => summarizeWebhook(parse(fixture(name)));

/** Issue paths of a rejected body, joined with dots (`content.0.attachment.url`). */
const issuePaths = (body: unknown): string[] => {
  const result = genesysWebhookSchema.safeParse(body);
  if (result.success) throw new Error('expected the body to be rejected');
  return result.error.issues.map((issue) => issue.path.join('.'));
};

/** A valid minimal webhook to break one field at a time. */
const minimal = (): Record<string, unknown> => ({
  id: 'msg-1',
  channel: { id: 'integration-1', messageId: 'msg-1', to: { id: 'customer-1' } },
  type: 'Text',
  text: 'hi',
});

const attachmentMessage = (attachment: Record<string, unknown>): Record<string, unknown> => ({
  ...minimal(),
  content: [{ contentType: 'Attachment', attachment }],
});

describe('genesys webhook fixtures', () => {
  const outbound = readdirSync(FIXTURES).filter((name) => name.startsWith('outbound-'));

  it('finds the five outbound fixtures', () => {
    expect(outbound.sort()).toEqual([
      'outbound-attachment-document.json',
      'outbound-attachment-image.json',
      'outbound-event-typing.json',
      'outbound-structured-notification.json',
      'outbound-text.json',
    ]);
  });

  it.each(outbound)('accepts %s', (name) => {
    expect(genesysWebhookSchema.safeParse(fixture(name)).success).toBe(true);
  });

  it('summarizes outbound-text.json (older shape: no conversationId)', () => {
    expect(summaryOf('outbound-text.json')).toEqual({
      integrationId: '73cb7fb7-c2db-4996-88f3-0a83a4fea1da',
      genesysMessageId: 'c327c2078ca056db130c55ce648d9fa2',
      conversationId: null,
      customerId: 'abcdef12345@socialmedia',
      messageType: 'Text',
      isSendable: true,
      text: 'Hello World',
      attachments: [],
      genesysMessageTime: '2021-02-01T15:04:05.123Z',
      unhandledContent: [],
    });
  });

  it('summarizes outbound-attachment-image.json (type Text, no text, conversationId)', () => {
    expect(summaryOf('outbound-attachment-image.json')).toEqual({
      integrationId: '6685901b-6d0e-43db-95ff-d64406e9dce2',
      genesysMessageId: '8085cbb3f778c34de0bd14c5318ec44c',
      conversationId: '1734d888-3c0e-47bc-bacb-e9996a16b682',
      customerId: '33633081329',
      messageType: 'Text',
      isSendable: true,
      attachments: [
        {
          mediaType: 'Image',
          url: 'https://api-downloads.mypurecloud.ie/api/v2/downloads/pce9ac7dc17eab202a3',
          mime: 'image/png',
          filename: 'Header_Genesys.png',
          contentSizeBytes: 2444,
          id: '9ff268ef-c642-4abe-a776-ea013e684f5d',
        },
      ],
      genesysMessageTime: '2026-03-25T13:20:05.493Z',
      unhandledContent: [],
    });
  });

  it('summarizes outbound-attachment-document.json', () => {
    const summary = summaryOf('outbound-attachment-document.json');
    expect(summary.conversationId).toBe('d06cb41e-f938-4dcf-b823-c8af1a39d7e5');
    expect(summary.text).toBeUndefined();
    expect(summary.attachments).toEqual([
      {
        mediaType: 'File',
        url: 'https://api-downloads.usw2.pure.cloud/api/v2/downloads/pce1234456',
        mime: 'application/pdf',
        filename: 'file.pdf',
        contentSizeBytes: 10240,
        id: '8b36304e-ad42-4e7d-ac35-978a019514eb',
      },
    ]);
  });

  it('summarizes outbound-structured-notification.json: the template has no id or language', () => {
    const summary = summaryOf('outbound-structured-notification.json');
    expect(summary.messageType).toBe('Structured');
    expect(summary.isSendable).toBe(true);
    expect(summary.text).toBe('Hi Happy, How can I help you?');
    expect(summary.template).toEqual({
      headerText: 'Hello',
      headerParameters: [],
      bodyText: 'Hi Happy, How can I help you?',
      bodyParameters: [{ name: 'name', text: 'Happy' }],
      footerText: 'Goodbye',
    });
    expect(summary.unhandledContent).toEqual([]);
  });

  it('summarizes outbound-event-typing.json as recorded, never sent', () => {
    const summary = summaryOf('outbound-event-typing.json');
    expect(summary.messageType).toBe('Event');
    expect(summary.isSendable).toBe(false);
    expect(summary.eventTypes).toEqual(['Typing']);
    expect(summary.typing).toBe('On');
    expect(summary.attachments).toEqual([]);
  });

  it('says typing Off only when every Typing event says stopped, and nothing without one', () => {
    const body = fixture('outbound-event-typing.json') as Record<string, unknown>;
    const withEvents = (events: unknown[]) => summarizeWebhook(parse({ ...body, events }));
    expect(withEvents([{ eventType: 'Typing', typing: { type: 'Off' } }]).typing).toBe('Off');
    expect(
      withEvents([
        { eventType: 'Typing', typing: { type: 'Off' } },
        { eventType: 'Typing', typing: { type: 'On' } },
      ]).typing,
    ).toBe('On');
    expect(withEvents([{ eventType: 'Typing' }]).typing).toBe('On');
    expect(withEvents([{ eventType: 'Presence' }]).typing).toBeUndefined();
    expect(summaryOf('outbound-text.json').typing).toBeUndefined();
  });

  // Decision: this is a body we POST to Genesys, but its shape is exactly an outbound Receipt (channel id,
  // message id, customer, type Receipt, direction Outbound). Genesys does deliver Receipt messages to the outbound
  // webhook, and the schema cannot know who wrote a well-formed body, so it parses; Receipts are never sent.
  it('accepts inbound-receipt-request-failed.json as an outbound Receipt that is not sendable', () => {
    const summary = summaryOf('inbound-receipt-request-failed.json');
    expect(summary).toMatchObject({
      genesysMessageId: 'c8e53e498891dfc9400c79a278cc1863',
      messageType: 'Receipt',
      isSendable: false,
      conversationId: null,
    });
  });

  // Decision: a message we would send *to* Genesys is refused: it names no integration (channel.id) and says
  // Inbound. Both problems are reported, so the 422 tells the sender what is wrong.
  it('rejects inbound-message-text-request.json: no channel.id, direction Inbound', () => {
    expect(issuePaths(fixture('inbound-message-text-request.json')).sort()).toEqual([
      'channel.id',
      'direction',
    ]);
  });

  it('parses the fixtures from their raw bytes, literal TABs included', () => {
    expect(rawFixture('inbound-message-text-request.json')).toContain('\t"type": "Text"');
    expect(() => JSON.parse(rawFixture('inbound-message-text-request.json'))).not.toThrow();
  });
});

describe('genesys webhook schema: required fields', () => {
  it('accepts a minimal webhook', () => {
    expect(genesysWebhookSchema.safeParse(minimal()).success).toBe(true);
  });

  it('requires channel.id (the integration)', () => {
    const body = minimal();
    body.channel = { messageId: 'msg-1', to: { id: 'customer-1' } };
    expect(issuePaths(body)).toEqual(['channel.id']);
  });

  it('requires channel.to.id (the customer)', () => {
    const body = minimal();
    body.channel = { id: 'integration-1', messageId: 'msg-1', to: { idType: 'Opaque' } };
    expect(issuePaths(body)).toEqual(['channel.to.id']);
  });

  it('requires a message id: channel.messageId or id', () => {
    const body = minimal();
    delete body.id;
    body.channel = { id: 'integration-1', to: { id: 'customer-1' } };
    expect(issuePaths(body)).toEqual(['channel.messageId']);
  });

  it('takes the message id from the top-level id when channel.messageId is absent', () => {
    const body = minimal();
    body.id = 'top-level-id';
    body.channel = { id: 'integration-1', to: { id: 'customer-1' } };
    expect(summarizeWebhook(parse(body)).genesysMessageId).toBe('top-level-id');
  });

  it('prefers channel.messageId over id', () => {
    const body = { ...minimal(), id: 'other' };
    expect(summarizeWebhook(parse(body)).genesysMessageId).toBe('msg-1');
  });

  it('refuses empty ids', () => {
    const body = minimal();
    body.channel = { id: '', messageId: '', to: { id: '' } };
    expect(issuePaths(body).sort()).toEqual(['channel.id', 'channel.messageId', 'channel.to.id']);
  });

  it('refuses ids over 256 characters: the message id names a stream, and PostgreSQL indexes it', () => {
    const long = 'x'.repeat(257);
    expect(issuePaths({ ...minimal(), conversationId: long }).sort()).toEqual(['conversationId']);
    expect(issuePaths({ ...minimal(), channel: { id: 'i', messageId: long, to: { id: 'c' } } })).toEqual([
      'channel.messageId',
    ]);
    expect(parse({ ...minimal(), conversationId: 'x'.repeat(256) }).conversationId).toHaveLength(256);
  });

  it.each(['text', 'Message', 'Typing', ''])('refuses type %j', (type) => {
    expect(issuePaths({ ...minimal(), type })).toEqual(['type']);
  });

  it('refuses a body that is not an object', () => {
    expect(issuePaths('hello')).toEqual(['']);
  });
});

describe('genesys webhook schema: content', () => {
  it('names the attachment field that is wrong', () => {
    expect(issuePaths(attachmentMessage({ mediaType: 'Image', url: 'file:///etc/passwd' }))).toEqual([
      'content.0.attachment.url',
    ]);
    expect(issuePaths(attachmentMessage({ mediaType: 'Sticker', url: 'https://x.test/a' }))).toEqual([
      'content.0.attachment.mediaType',
    ]);
    expect(
      issuePaths(attachmentMessage({ mediaType: 'File', url: 'https://x.test/a', contentSizeBytes: -1 })),
    ).toEqual(['content.0.attachment.contentSizeBytes']);
  });

  it('requires the field that matches the contentType', () => {
    const body = { ...minimal(), content: [{ contentType: 'Notification' }, { contentType: 'QuickReply' }] };
    expect(issuePaths(body)).toEqual(['content.0.template', 'content.1.quickReply']);
  });

  it('requires a quick reply text and a template body', () => {
    const body = {
      ...minimal(),
      content: [
        { contentType: 'QuickReply', quickReply: { payload: 'p' } },
        { contentType: 'Notification', template: { id: 'ns@t' } },
      ],
    };
    expect(issuePaths(body)).toEqual(['content.0.quickReply.text', 'content.1.template.body']);
  });

  it('accepts attachment variations: Link, no mime, caption text, sha256', () => {
    const body = {
      ...minimal(),
      content: [
        { contentType: 'Attachment', attachment: { mediaType: 'Link', url: 'https://example.com/page' } },
        {
          contentType: 'Attachment',
          attachment: {
            mediaType: 'Video',
            url: 'http://dl.test/v',
            mime: 'Video/MP4; codecs="avc1"',
            text: 'watch this',
            sha256: 'abc',
          },
        },
      ],
    };
    expect(summarizeWebhook(parse(body)).attachments).toEqual([
      { mediaType: 'Link', url: 'https://example.com/page' },
      { mediaType: 'Video', url: 'http://dl.test/v', mime: 'video/mp4', text: 'watch this', sha256: 'abc' },
    ]);
  });

  it('summarizes quick replies, cards and carousels in order, and lists content it does not carry', () => {
    const card = (title: string) => ({
      title,
      description: `about ${title}`,
      image: 'https://img.test/1.png',
      actions: [
        { type: 'Postback', text: 'Pick', payload: `pick-${title}` },
        { type: 'Link', text: 'More', url: 'https://example.com' },
      ],
    });
    const body = {
      ...minimal(),
      type: 'Structured',
      content: [
        { contentType: 'QuickReply', quickReply: { text: 'Yes', payload: 'yes', action: 'Message' } },
        { contentType: 'QuickReply', quickReply: { text: 'No', image: 'https://img.test/no.png' } },
        { contentType: 'Location', location: { latitude: 1, longitude: 2 } },
        { contentType: 'Card', card: card('A') },
        { contentType: 'Carousel', carousel: { cards: [card('B'), { title: 'C' }] } },
        { contentType: 'ButtonResponse', buttonResponse: { text: 'Yes', payload: 'yes' } },
      ],
    };
    const summary = summarizeWebhook(parse(body));
    expect(summary.quickReplies).toEqual([
      { text: 'Yes', payload: 'yes' },
      { text: 'No', image: 'https://img.test/no.png' },
    ]);
    expect(summary.cards?.map((c) => c.title)).toEqual(['A', 'B', 'C']);
    expect(summary.cards?.[0]).toEqual({
      title: 'A',
      description: 'about A',
      image: 'https://img.test/1.png',
      actions: [
        { type: 'Postback', text: 'Pick', payload: 'pick-A' },
        { type: 'Link', text: 'More', url: 'https://example.com' },
      ],
    });
    expect(summary.cards?.[2]).toEqual({ title: 'C' });
    expect(summary.unhandledContent).toEqual(['Location', 'ButtonResponse']);
  });

  it('summarizes a full template: id, language, header media and parameters; a second one is unhandled', () => {
    const template = {
      id: 'ns-1@order_update',
      language: 'en-US',
      header: {
        type: 'Media',
        media: { mediaType: 'Image', url: 'https://dl.test/h.png', mime: 'image/png' },
        parameters: [{ text: 'H1' }],
      },
      body: { text: 'Order {{1}} is {{2}}', parameters: [{ text: '42' }, { name: '2', text: 'late' }] },
    };
    const body = {
      ...minimal(),
      type: 'Structured',
      content: [
        { contentType: 'Notification', template },
        { contentType: 'Notification', template },
      ],
    };
    const summary = summarizeWebhook(parse(body));
    expect(summary.template).toEqual({
      id: 'ns-1@order_update',
      language: 'en-US',
      headerMedia: { mediaType: 'Image', url: 'https://dl.test/h.png', mime: 'image/png' },
      headerParameters: [{ text: 'H1' }],
      bodyText: 'Order {{1}} is {{2}}',
      bodyParameters: [{ text: '42' }, { name: '2', text: 'late' }],
    });
    expect(summary.unhandledContent).toEqual(['Notification']);
  });
});

describe('genesys webhook schema: leniency', () => {
  it('passes unknown fields through at every level', () => {
    const body = {
      ...minimal(),
      futureField: { a: 1 },
      channel: {
        id: 'integration-1',
        messageId: 'msg-1',
        to: { id: 'customer-1', extra: true },
        metadata: { customAttributes: { k: 'v' } },
        newChannelField: 'x',
      },
      content: [
        {
          contentType: 'Attachment',
          attachment: { mediaType: 'Image', url: 'https://dl.test/i', newAttachmentField: 3 },
        },
      ],
    };
    const parsed = parse(body);
    expect(parsed).toEqual(body);
  });

  it('accepts events, reasons, relatedMessages and metadata', () => {
    const body = {
      ...minimal(),
      type: 'Event',
      events: [{ eventType: 'Presence', presence: { type: 'Join' } }],
      reasons: [{ code: 'RateLimited', message: 'slow down' }],
      relatedMessages: [{ id: 'm0' }],
      metadata: { 'gum-correlationId': 'c' },
    };
    expect(summarizeWebhook(parse(body))).toMatchObject({ isSendable: false, eventTypes: ['Presence'] });
  });

  it('treats Structured as sendable and Receipt as not', () => {
    expect(summarizeWebhook(parse({ ...minimal(), type: 'Structured' })).isSendable).toBe(true);
    expect(summarizeWebhook(parse({ ...minimal(), type: 'Receipt', status: 'Delivered' })).isSendable).toBe(
      false,
    );
  });

  it('throws (a bug, not bad input) when summarizing a body that skipped validation', () => {
    const unvalidated = { channel: { id: 'i', to: { id: 'c' } }, type: 'Text' } as GenesysWebhook;
    expect(() => summarizeWebhook(unvalidated)).toThrow(/parse it first/);
  });
});
