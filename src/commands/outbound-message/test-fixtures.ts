/**
 * Builders for outbound-message decider tests: events and commands with sensible defaults, and `givenMessage`,
 * which also checks every given and emitted event against its schema.
 */
import { validateEvent } from '../../events/encode';
import { eventExamples } from '../../events/schemas/examples';
import type { OutboundEvent } from '../../events/schemas/outbound-events';
import type { WebhookReceivedData } from '../../events/schemas/webhook-received';
import { given } from '../testing';
import type { ReceiveWebhook, RecordMetaStatus, RequestSend } from './commands';
import { outboundMessageDecider } from './decider';

export const WA_ID = '919876543210';
export const wamidOf = (partIndex: number) => `wamid.HBgLOTE5ODc2NTQzMjEwFQIAERgS${partIndex}`;

export const givenMessage = (events: OutboundEvent[]) =>
  given(outboundMessageDecider, events, { validate: (event) => validateEvent(event) });

/** A Meta status time `seconds` after 2024-05-01T10:00:00Z, as Meta sends it and as we store it. */
export const metaTime = (seconds: number) => ({
  unix: String(1714557600 + seconds),
  iso: new Date((1714557600 + seconds) * 1000).toISOString(),
});

const attachment = {
  mediaType: 'Image' as const,
  url: 'https://api-downloads.mypurecloud.com/attachments/att-1',
  mime: 'image/jpeg',
  filename: 'receipt.jpg',
  id: 'att-1',
};

// ---- commands

export const receiveWebhook = (overrides: Partial<ReceiveWebhook> = {}): ReceiveWebhook => {
  const { isSendable: _isSendable, ...data } = eventExamples.WebhookReceived;
  return { type: 'ReceiveWebhook', ...data, ...overrides };
};

export const requestSend = (overrides: Partial<RequestSend> = {}): RequestSend => ({
  type: 'RequestSend',
  partCount: 1,
  metaMessageType: 'text',
  ...overrides,
});

export const metaStatus = (
  status: RecordMetaStatus['status'],
  seconds: number,
  overrides: Partial<RecordMetaStatus> = {},
): RecordMetaStatus => ({
  type: 'RecordMetaStatus',
  status,
  wamid: wamidOf(0),
  timestamp: metaTime(seconds).unix,
  ...overrides,
});

// ---- events

export const webhookReceived = (overrides: Partial<WebhookReceivedData> = {}): OutboundEvent => ({
  type: 'WebhookReceived',
  data: { ...eventExamples.WebhookReceived, ...overrides },
});

export const imageWebhookReceived = (): OutboundEvent =>
  webhookReceived({
    content: { attachments: [{ ...attachment, mime: 'image/jpeg' }], unhandledContent: [] },
    attachment,
  });

export const receiptWebhookReceived = (): OutboundEvent =>
  webhookReceived({
    messageType: 'Receipt',
    isSendable: false,
    content: { attachments: [], unhandledContent: [] },
  });

export const mappingResolved = (): OutboundEvent => ({
  type: 'MappingResolved',
  data: { waId: WA_ID, resolvedBy: 'conversationId' },
});

export const mappingMissing = (): OutboundEvent => ({
  type: 'MappingMissing',
  data: { conversationId: 'abc-123', customerId: 'customer-789', reason: 'NoMappingFound' },
});

export const mediaStored = (): OutboundEvent => ({ type: 'MediaStored', data: eventExamples.MediaStored });

export const sendRequested = (attempt = 1, partCount = 1): OutboundEvent => ({
  type: 'SendRequested',
  data: { waId: WA_ID, attempt, partCount, metaMessageType: 'text' },
});

export const messageSent = (partIndex = 0, { partCount = 1, attempt = 1 } = {}): OutboundEvent => ({
  type: 'MessageSent',
  data: { wamid: wamidOf(partIndex), partIndex, partCount, waId: WA_ID, attempt },
});

export const sendFailed = (): OutboundEvent => ({
  type: 'MessageFailed',
  data: { stage: 'send', reason: 'MetaRejected', message: 'Meta refused the message', metaErrorCode: 131026 },
});

export const statusSent = (seconds: number, partIndex = 0): OutboundEvent => ({
  type: 'StatusSent',
  data: { wamid: wamidOf(partIndex), sentAt: metaTime(seconds).iso },
});

export const delivered = (seconds: number, partIndex = 0, isInferredFromRead = false): OutboundEvent => ({
  type: 'Delivered',
  data: { wamid: wamidOf(partIndex), deliveredAt: metaTime(seconds).iso, isInferredFromRead },
});

export const read = (seconds: number, partIndex = 0): OutboundEvent => ({
  type: 'Read',
  data: { wamid: wamidOf(partIndex), readAt: metaTime(seconds).iso },
});

export const deliveryFailed = (partIndex = 0): OutboundEvent => ({
  type: 'MessageFailed',
  data: {
    stage: 'delivery',
    reason: 'MetaDeliveryFailed',
    message: 'Message undeliverable',
    wamid: wamidOf(partIndex),
  },
});

/** A text message sent to Meta as one part. */
export const sentText = (): OutboundEvent[] => [
  webhookReceived(),
  mappingResolved(),
  sendRequested(),
  messageSent(),
];
