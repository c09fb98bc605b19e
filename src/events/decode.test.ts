import { randomUUID } from 'node:crypto';
import { decodeConversationEvent, decodeEvent, decodeOutboundEvent } from './decode';
import { EventDecodeError } from './event-errors';
import { eventExamples } from './schemas/examples';
import type { StoredEvent } from './store/types';

const stored = (overrides: Partial<StoredEvent>): StoredEvent => ({
  eventId: randomUUID(),
  type: 'Read',
  version: 1,
  streamId: 'outbound-tenant-001-gmsg-456',
  streamPosition: 3,
  globalPosition: '42',
  transactionId: '900',
  tenantId: 'tenant-001',
  conversationId: 'abc-123',
  occurredAt: '2024-05-01T10:05:00.000Z',
  recordedAt: '2024-05-01T10:05:00.010Z',
  causationId: null,
  correlationId: 'req-1',
  metadata: {},
  data: eventExamples.Read,
  ...overrides,
});

const decodeError = (event: StoredEvent): EventDecodeError => {
  try {
    decodeEvent(event);
  } catch (error) {
    if (error instanceof EventDecodeError) return error;
    throw error;
  }
  throw new Error('expected decodeEvent to throw');
};

describe('decodeEvent', () => {
  it('returns the typed event with its envelope', () => {
    const event = stored({});
    const decoded = decodeEvent(event);
    expect(decoded).toMatchObject({ type: 'Read', version: 1, data: eventExamples.Read });
    expect(decoded.envelope).toMatchObject({ eventId: event.eventId, streamPosition: 3, storedVersion: 1 });
  });

  it('upcasts a v1 Delivered with Meta unix seconds to v2 with an ISO instant', () => {
    // A real Meta status timestamp: "1603059201" is 2020-10-18T22:13:21Z.
    const decoded = decodeEvent(
      stored({ type: 'Delivered', version: 1, data: { wamid: 'wamid.HBgL', timestamp: '1603059201' } }),
    );
    expect(decoded).toMatchObject({
      type: 'Delivered',
      version: 2,
      data: { wamid: 'wamid.HBgL', deliveredAt: '2020-10-18T22:13:21.000Z', isInferredFromRead: false },
    });
    expect(decoded.envelope.storedVersion).toBe(1);
  });

  it('upcasts a v1 WebhookReceived through v2 to v3: the content is translated from the raw body', () => {
    const { content: _content, ...common } = eventExamples.WebhookReceived;
    const decoded = decodeEvent(
      stored({
        type: 'WebhookReceived',
        version: 1,
        data: {
          ...common,
          text: 'We can help you with that',
          quickReplies: Array.from({ length: 40 }, () => ({ text: 'b'.repeat(300), payload: 'p' })),
        },
      }),
    );
    expect(decoded).toMatchObject({ type: 'WebhookReceived', version: 3, data: { rawBody: common.rawBody } });
    // What the body says, not what v1 copied beside it (v1's quick replies are not in this body).
    expect(decoded.data).toEqual({ ...common, content: eventExamples.WebhookReceived.content });
    expect(decoded.envelope.storedVersion).toBe(1);
  });

  it.each([
    ['ConversationLinked', { conversationId: 'abc-123', waId: '919876543210', contactName: 'Asha' }],
    ['MappingResolved', { waId: '919876543210', resolvedBy: 'conversationId' }],
    ['SendRequested', { waId: '919876543210', attempt: 1, partCount: 1, metaMessageType: 'text' }],
    ['MessageSent', { wamid: 'wamid.HBgL', partIndex: 0, partCount: 1, waId: '919876543210', attempt: 1 }],
  ])('reads a stored v1 %s (wa_id only) as v2 with the same data', (type, data) => {
    const decoded = decodeEvent(stored({ type, version: 1, data }));
    expect(decoded).toMatchObject({ type, version: 2 });
    expect(decoded.data).toEqual(data);
    expect(decoded.envelope.storedVersion).toBe(1);
  });

  it('refuses a stored v1 ConversationLinked without its wa_id: v1 always had one', () => {
    const error = decodeError(
      stored({ type: 'ConversationLinked', version: 1, data: { conversationId: 'abc-123' } }),
    );
    expect(error.code).toBe('InvalidEventData');
    expect(error.message).toContain('invalid v1 data');
  });

  it('reads a current v2 Delivered without upcasting', () => {
    const decoded = decodeEvent(stored({ type: 'Delivered', version: 2, data: eventExamples.Delivered }));
    expect(decoded.data).toEqual(eventExamples.Delivered);
  });

  it('rejects an unknown type, naming the event id', () => {
    const event = stored({ type: 'MessageTeleported' });
    const error = decodeError(event);
    expect(error.code).toBe('UnknownEventType');
    expect(error.message).toContain(event.eventId);
    expect(error.message).toContain('MessageTeleported v1');
  });

  it.each([0, 3])('rejects an unknown version %i, naming the event id', (version) => {
    const event = stored({ type: 'Delivered', version, data: eventExamples.Delivered });
    const error = decodeError(event);
    expect(error.code).toBe('UnknownEventVersion');
    expect(error.message).toContain(event.eventId);
    expect(error.message).toContain(`Delivered v${version}`);
  });

  it('names the invalid paths of a bad payload but never its values', () => {
    const event = stored({ data: { wamid: 'wamid.secretish', readAt: 'customer said hi at noon' } });
    const error = decodeError(event);
    expect(error.code).toBe('InvalidEventData');
    expect(error.issues).toEqual([{ path: 'data.readAt', code: 'invalid_format' }]);
    expect(error.message).toContain(event.eventId);
    expect(error.message).toContain('data.readAt');
    expect(error.message).not.toContain('customer said hi');
    expect(error.message).not.toContain('wamid.secretish');
  });

  it('rejects a v1 Delivered whose timestamp is not unix seconds, naming the v1 field', () => {
    const error = decodeError(
      stored({ type: 'Delivered', version: 1, data: { wamid: 'wamid.x', timestamp: '2020-10-18' } }),
    );
    expect(error.code).toBe('InvalidEventData');
    expect(error.message).toContain('invalid v1 data');
    expect(error.issues.map((issue) => issue.path)).toEqual(['data.timestamp']);
  });
});

describe('stream-family decoders', () => {
  it('decode events of their own family', () => {
    expect(decodeOutboundEvent(stored({})).type).toBe('Read');
    const linked = stored({ type: 'ConversationLinked', data: eventExamples.ConversationLinked });
    expect(decodeConversationEvent(linked).type).toBe('ConversationLinked');
  });

  it('reject an event of another family found in their stream', () => {
    const linked = stored({ type: 'ConversationLinked', data: eventExamples.ConversationLinked });
    expect(() => decodeOutboundEvent(linked)).toThrow(EventDecodeError);
    expect(() => decodeOutboundEvent(linked)).toThrow(/not an event of the outbound-message stream family/);
    expect(() => decodeConversationEvent(stored({}))).toThrow(EventDecodeError);
  });
});
