import { z } from 'zod';
import { eventDefinitions, findEventDefinition } from '../registry';
import { deliveredV1DataSchema } from './delivered';
import { eventExamples } from './examples';

const schemaOf = (type: string) => {
  const definition = findEventDefinition(type);
  if (!definition) throw new Error(`no definition for ${type}`);
  return definition.schema;
};

/** One payload per event type that breaks a rule of its schema, and the path that must be reported. */
const badPayloads: Record<string, { data: Record<string, unknown>; path: string }> = {
  WebhookReceived: { data: { ...eventExamples.WebhookReceived, receivedAt: '2024-05-01 10:00' }, path: 'receivedAt' },
  MappingResolved: { data: { ...eventExamples.MappingResolved, resolvedBy: 'phone' }, path: 'resolvedBy' },
  MappingMissing: { data: { ...eventExamples.MappingMissing, reason: 'no mapping!' }, path: 'reason' },
  MediaStored: { data: { ...eventExamples.MediaStored, url: 'file:///etc/passwd' }, path: 'url' },
  SendRequested: { data: { ...eventExamples.SendRequested, attempt: 0 }, path: 'attempt' },
  SendRefused: { data: { ...eventExamples.SendRefused, retryAt: 'soon' }, path: 'retryAt' },
  MessageSent: { data: { ...eventExamples.MessageSent, wamid: '' }, path: 'wamid' },
  MessageFailed: { data: { ...eventExamples.MessageFailed, stage: 'sending' }, path: 'stage' },
  StatusSent: { data: { ...eventExamples.StatusSent, sentAt: '1603059201' }, path: 'sentAt' },
  Delivered: { data: { wamid: 'wamid.x', deliveredAt: '2024-05-01T10:00:02.000Z' }, path: 'isInferredFromRead' },
  Read: { data: { ...eventExamples.Read, readAt: 1714557900 }, path: 'readAt' },
  ReceiptPosted: { data: { status: 'Sent' }, path: 'status' },
  ConversationLinked: { data: { ...eventExamples.ConversationLinked, waId: '+1 555 0100' }, path: 'waId' },
  InboundMessageReceived: {
    data: { ...eventExamples.InboundMessageReceived, sentAt: '1749416383' },
    path: 'sentAt',
  },
  InboundPostedToGenesys: { data: { ...eventExamples.InboundPostedToGenesys, wamid: '' }, path: 'wamid' },
  InboundPostFailed: { data: { ...eventExamples.InboundPostFailed, reason: 'no reason!' }, path: 'reason' },
  InboundMarkedRead: { data: { wamid: '' }, path: 'wamid' },
  InboundMarkReadFailed: { data: { ...eventExamples.InboundMarkReadFailed, reason: 'why not' }, path: 'reason' },
  InboundReceiptReceived: { data: { ...eventExamples.InboundReceiptReceived, status: 'Lost' }, path: 'status' },
  MetaWebhookReceived: {
    data: { ...eventExamples.MetaWebhookReceived, signature: 'sha256=3q2+7w==' },
    path: 'signature',
  },
};

const issuePaths = (schema: z.ZodType, data: unknown): string[] => {
  const result = schema.safeParse(data);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};

describe('event data schemas', () => {
  it('has an example and a counter-example for every registered event type', () => {
    const types = eventDefinitions.map((definition) => definition.type).sort();
    expect(Object.keys(eventExamples).sort()).toEqual(types);
    expect(Object.keys(badPayloads).sort()).toEqual(types);
  });

  it.each(eventDefinitions.map((definition) => definition.type))('%s accepts its example', (type) => {
    expect(issuePaths(schemaOf(type), eventExamples[type as keyof typeof eventExamples])).toEqual([]);
  });

  it.each(Object.entries(badPayloads))('%s rejects a bad payload at the offending field', (type, bad) => {
    expect(issuePaths(schemaOf(type), bad.data)).toEqual([bad.path]);
  });

  it('rejects a Receipt or Event webhook that claims to be sendable', () => {
    const schema = schemaOf('WebhookReceived');
    for (const messageType of ['Receipt', 'Event']) {
      expect(issuePaths(schema, { ...eventExamples.WebhookReceived, messageType, isSendable: true })).toEqual([
        'isSendable',
      ]);
      expect(issuePaths(schema, { ...eventExamples.WebhookReceived, messageType, isSendable: false })).toEqual([]);
    }
  });

  it('accepts a webhook of an older Genesys payload without a conversation id', () => {
    expect(issuePaths(schemaOf('WebhookReceived'), { ...eventExamples.WebhookReceived, conversationId: null })).toEqual(
      [],
    );
  });

  it('accepts a webhook with an attachment and rejects an attachment URL that is not http(s)', () => {
    const attachment = {
      mediaType: 'Image',
      url: 'https://api-downloads.mypurecloud.com/att-1',
      mime: 'image/jpeg',
      filename: 'receipt.jpg',
      contentSizeBytes: 48213,
      id: 'att-1',
    };
    const schema = schemaOf('WebhookReceived');
    expect(issuePaths(schema, { ...eventExamples.WebhookReceived, attachment })).toEqual([]);
    expect(
      issuePaths(schema, { ...eventExamples.WebhookReceived, attachment: { ...attachment, url: 'gopher://x/y' } }),
    ).toEqual(['attachment.url']);
  });

  it('rejects a signature header that is not an HMAC-SHA256 header value', () => {
    expect(issuePaths(schemaOf('WebhookReceived'), { ...eventExamples.WebhookReceived, signature: 'abc' })).toEqual([
      'signature',
    ]);
  });

  it('rejects a part index at or beyond the part count', () => {
    expect(issuePaths(schemaOf('MessageSent'), { ...eventExamples.MessageSent, partIndex: 1, partCount: 1 })).toEqual(
      ['partIndex'],
    );
  });

  const CUSTOMER_NAMING_TYPES = ['ConversationLinked', 'MappingResolved', 'SendRequested', 'MessageSent'] as const;

  it.each(CUSTOMER_NAMING_TYPES)('%s accepts a customer named only by a business-scoped user id', (type) => {
    const { waId: _waId, ...withoutWaId } = eventExamples[type];
    expect(issuePaths(schemaOf(type), { ...withoutWaId, userId: 'US.13491208655302741918' })).toEqual([]);
  });

  it.each(CUSTOMER_NAMING_TYPES)('%s refuses a customer named by neither id', (type) => {
    const { waId: _waId, ...withoutWaId } = eventExamples[type];
    expect(issuePaths(schemaOf(type), withoutWaId)).toEqual(['waId']);
  });

  it('keeps the v1 Delivered schema: Meta unix seconds as a string', () => {
    expect(issuePaths(deliveredV1DataSchema, { wamid: 'wamid.x', timestamp: '1603059201' })).toEqual([]);
    expect(issuePaths(deliveredV1DataSchema, { wamid: 'wamid.x', timestamp: 1603059201 })).toEqual(['timestamp']);
  });

  it('strips fields a schema does not know instead of storing them', () => {
    const parsed = schemaOf('Read').parse({ ...eventExamples.Read, accessToken: 'EAAJ...' });
    expect(parsed).not.toHaveProperty('accessToken');
  });
});
