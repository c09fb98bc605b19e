/**
 * One valid `data` example per event type at its current version. Used by tests and as the examples of the
 * generated JSON Schema / AsyncAPI documents; the type forces an example for every new event type.
 */
import { createHash } from 'node:crypto';
import type { ConversationEvent } from './conversation-events';
import type { CustomerEvent } from './customer-events';
import type { MetaWebhookEvent } from './meta-webhook-events';
import type { OutboundEvent } from './outbound-events';

type AnyEvent = OutboundEvent | ConversationEvent | MetaWebhookEvent | CustomerEvent;
export type EventExamples = { [T in AnyEvent['type']]: Extract<AnyEvent, { type: T }>['data'] };

const genesysBody = JSON.stringify({
  id: 'gmsg-456',
  channel: { id: 'integration-1', platform: 'Open', to: { id: 'customer-789' }, time: '2024-05-01T10:00:00.000Z' },
  conversationId: 'abc-123',
  type: 'Text',
  text: 'We can help you with that',
  direction: 'Outbound',
});

const metaStatusBody = JSON.stringify({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
            statuses: [
              {
                id: 'wamid.HBgLOTE5ODc2NTQzMjEw',
                status: 'delivered',
                timestamp: '1714557602',
                recipient_id: '919876543210',
              },
            ],
          },
        },
      ],
    },
  ],
});

export const eventExamples: EventExamples = {
  WebhookReceived: {
    integrationId: 'integration-1',
    genesysMessageId: 'gmsg-456',
    conversationId: 'abc-123',
    customerId: 'customer-789',
    messageType: 'Text',
    isSendable: true,
    content: { text: 'We can help you with that', attachments: [], unhandledContent: [] },
    genesysMessageTime: '2024-05-01T10:00:00.000Z',
    rawBody: genesysBody,
    signature: 'sha256=3q2+7w==',
    receivedAt: '2024-05-01T10:00:00.120Z',
  },
  MappingResolved: { waId: '919876543210', contactName: 'Asha', resolvedBy: 'conversationId' },
  MappingMissing: { conversationId: 'abc-123', customerId: 'customer-789', reason: 'NoMappingFound' },
  MediaStored: {
    bucket: 'media-outbound',
    objectKey: 'tenant-001/outbound/images/2024-05-01/6f1c1a8e-1f0e-4d7a-9a57-2f3e8b1c9d00.jpg',
    url: 'https://media.example.com/media-outbound/tenant-001/outbound/images/2024-05-01/6f1c.jpg?X-Amz-Expires=86400',
    urlExpiresAt: '2024-05-02T10:00:01.000Z',
    mime: 'image/jpeg',
    sizeBytes: 48213,
    mediaKind: 'image',
    filename: 'receipt.jpg',
    genesysMediaId: 'att-1',
  },
  SendRequested: { waId: '919876543210', attempt: 1, partCount: 1, metaMessageType: 'text' },
  SendRefused: {
    attempt: 1,
    partIndex: 0,
    metaErrorCode: 130429,
    metaErrorTitle: 'Rate limit hit',
    refusedAt: '2024-05-01T10:00:01.000Z',
    retryAt: '2024-05-01T10:00:03.000Z',
  },
  MessageSent: { wamid: 'wamid.HBgLOTE5ODc2NTQzMjEw', partIndex: 0, partCount: 1, waId: '919876543210', attempt: 1 },
  MessageFailed: {
    stage: 'send',
    reason: 'MetaRejected',
    message: 'Meta refused the message: re-engagement window closed',
    metaErrorCode: 131047,
    metaErrorTitle: 'Re-engagement message',
  },
  StatusSent: { wamid: 'wamid.HBgLOTE5ODc2NTQzMjEw', sentAt: '2024-05-01T10:00:01.000Z', recipientId: '919876543210' },
  Delivered: { wamid: 'wamid.HBgLOTE5ODc2NTQzMjEw', deliveredAt: '2024-05-01T10:00:02.000Z', isInferredFromRead: false },
  Read: { wamid: 'wamid.HBgLOTE5ODc2NTQzMjEw', readAt: '2024-05-01T10:05:00.000Z' },
  ReceiptPosted: { status: 'Delivered' },
  ConversationLinked: { conversationId: 'abc-123', waId: '919876543210', contactName: 'Asha', phoneNumberId: '1234567' },
  MetaWebhookReceived: {
    webhookId: createHash('sha256').update(metaStatusBody).digest('hex'),
    part: 0,
    partCount: 1,
    rawBody: metaStatusBody,
    signature: `sha256=${'ab'.repeat(32)}`,
    receivedAt: '2024-05-01T10:00:02.300Z',
    statuses: [
      {
        wamid: 'wamid.HBgLOTE5ODc2NTQzMjEw',
        status: 'delivered',
        isIgnored: false,
        timestamp: '1714557602',
        recipientId: '919876543210',
        phoneNumberId: '106540352242922',
        wabaId: '102290129340398',
      },
    ],
  },
  InboundMessageReceived: {
    wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
    phoneNumberId: '106540352242922',
    displayPhoneNumber: '15550783881',
    customer: { waId: '16505551234', name: 'Sheena Nelson' },
    sentAt: '2025-06-08T20:59:43.000Z',
    type: 'text',
    content: { kind: 'text', body: 'Does it come in another color?' },
    webhookId: createHash('sha256').update(metaStatusBody).digest('hex'),
  },
  InboundPostedToGenesys: {
    wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
    genesysMessageId: '5c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f',
    conversationId: 'abc-123',
    phoneNumberId: '106540352242922',
    sentAt: '2025-06-08T20:59:43.000Z',
    customer: { waId: '16505551234', name: 'Sheena Nelson' },
  },
  InboundPostFailed: {
    wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
    reason: 'GenesysRejected',
    message: 'Genesys inbound message: Genesys answered HTTP 400 (bad request)',
    httpStatus: 400,
  },
  InboundMarkedRead: {
    wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
  },
  InboundMarkReadFailed: {
    wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
    reason: 'MetaRejected',
    message: 'Meta refused the read mark: (#100) Invalid parameter',
    httpStatus: 400,
    metaCode: 100,
  },
  InboundReceiptReceived: {
    wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
    status: 'Failed',
    isFinalReceipt: true,
    reasons: [{ code: 'GeneralError', message: 'The message could not be routed' }],
    genesysMessageId: '5bd1e2e9a6f3a8ab9d4c6e1f0a2b3c4d',
    conversationId: '4809757b-c6d7-4f0a-8bb0-729ae14805b3',
  },
};
