import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../../src/events/store/types';

/** About the size of a real WebhookReceived: an agent's text message with its Genesys envelope (~600 bytes). */
export const benchData = (index: number): Record<string, unknown> => ({
  genesysMessageId: `msg-${index}`,
  channel: {
    platform: 'Open',
    type: 'Private',
    to: { id: 'customer-ext-id' },
    from: { id: 'agent-integration' },
  },
  type: 'Text',
  text: 'Hello! Thanks for reaching out. Your order has shipped and should arrive within three business days. '.repeat(
    2,
  ),
  direction: 'Outbound',
  receivedAt: '2024-05-01T10:00:00.000Z',
  signature: 'sha256=2f1c0c6a8b3e4d5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f',
});

export const benchEvent = (index: number, conversations = 1000): NewEvent => ({
  eventId: randomUUID(),
  type: 'WebhookReceived',
  version: 1,
  tenantId: 'bench-tenant',
  conversationId: `bench-conv-${index % conversations}`,
  data: benchData(index),
});
