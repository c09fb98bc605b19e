import { randomUUID } from 'node:crypto';
import type { StoredEvent } from '../../events/store/types';
import { eventExamples } from '../../events/schemas/examples';
import { planForward } from './plan-forward';

const stored = (type: string, data: Record<string, unknown>, version = 1): StoredEvent => ({
  eventId: randomUUID(),
  type,
  version,
  streamId: 'outbound-tenant-001-gmsg-456',
  streamPosition: 1,
  globalPosition: '42',
  transactionId: '900',
  tenantId: 'tenant-001',
  conversationId: 'abc-123',
  occurredAt: '2024-05-01T10:00:00.120Z',
  recordedAt: '2024-05-01T10:00:00.130Z',
  causationId: null,
  correlationId: 'req-1',
  metadata: {},
  data,
});

const kafkaMessage = (event: unknown, headerType?: string) => ({
  value: Buffer.from(typeof event === 'string' ? event : JSON.stringify(event)),
  ...(headerType ? { headers: { 'event-type': Buffer.from(headerType) } } : {}),
});

describe('planForward', () => {
  it('publishes the legacy body of a WebhookReceived', () => {
    const event = stored('WebhookReceived', eventExamples.WebhookReceived);
    expect(planForward(kafkaMessage(event, 'WebhookReceived'))).toEqual({
      kind: 'publish',
      event,
      message: {
        conversationId: 'abc-123',
        messageId: 'gmsg-456',
        type: 'Text',
        text: 'We can help you with that',
        tenantId: 'tenant-001',
      },
    });
  });

  it('publishes a reply to a customer known only by a business-scoped user id like any other', () => {
    // The legacy body names no customer (CONTRACT.md: conversationId, messageId, type, text, tenantId), so a mapping
    // without a wa_id changes nothing on the queue: Genesys's own recipient id is never put in it.
    const raw = JSON.parse(eventExamples.WebhookReceived.rawBody) as { channel: Record<string, unknown> };
    const rawBody = JSON.stringify({
      ...raw,
      channel: { ...raw.channel, to: { id: 'US.13491208655302741918' } },
    });
    const event = stored(
      'WebhookReceived',
      { ...eventExamples.WebhookReceived, rawBody, customerId: 'US.13491208655302741918' },
      2,
    );
    const plan = planForward(kafkaMessage(event, 'WebhookReceived'));
    expect(plan).toMatchObject({
      kind: 'publish',
      message: { conversationId: 'abc-123', messageId: 'gmsg-456' },
    });
    expect(Object.keys((plan as { message: object }).message)).toEqual([
      'conversationId',
      'messageId',
      'type',
      'text',
      'tenantId',
    ]);
  });

  it('skips a MappingResolved that names the customer by user id only, whatever its header says', () => {
    const event = stored(
      'MappingResolved',
      { userId: 'US.13491208655302741918', resolvedBy: 'conversationId' },
      2,
    );
    expect(planForward(kafkaMessage(event))).toEqual({ kind: 'skip' });
  });

  it('skips other event types by their header, without reading the value', () => {
    expect(planForward(kafkaMessage('not even json', 'MessageSent'))).toEqual({ kind: 'skip' });
  });

  it('reads the type from the envelope when the header is missing', () => {
    expect(planForward(kafkaMessage(stored('Read', eventExamples.Read)))).toEqual({ kind: 'skip' });
    expect(planForward(kafkaMessage(stored('WebhookReceived', eventExamples.WebhookReceived))).kind).toBe(
      'publish',
    );
  });

  it('dead-letters a value that is not an event envelope', () => {
    const plan = planForward(kafkaMessage('{"hello":', 'WebhookReceived'));
    expect(plan).toMatchObject({ kind: 'dead-letter', error: expect.stringMatching(/^undecodable message/) });
  });

  it('dead-letters a WebhookReceived whose data breaks its schema, naming the event', () => {
    const event = stored('WebhookReceived', { ...eventExamples.WebhookReceived, genesysMessageId: '' });
    expect(planForward(kafkaMessage(event, 'WebhookReceived'))).toMatchObject({
      kind: 'dead-letter',
      event,
      error: expect.stringMatching(/^no legacy body/),
    });
  });

  it('dead-letters a WebhookReceived of a version this build does not know', () => {
    const event = stored('WebhookReceived', eventExamples.WebhookReceived, 9);
    expect(planForward(kafkaMessage(event, 'WebhookReceived')).kind).toBe('dead-letter');
  });
});
