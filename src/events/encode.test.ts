import { encodeEvent, validateEvent } from './encode';
import { EventEncodeError } from './event-errors';
import type { DomainEvent } from './registry';
import { eventExamples } from './schemas/examples';

describe('encodeEvent', () => {
  it('writes the current version with the given tenant and conversation', () => {
    const encoded = encodeEvent(
      { type: 'Delivered', data: eventExamples.Delivered },
      { tenantId: 'tenant-001', conversationId: 'abc-123', eventId: 'b3c1d1a2-5d8e-4b8e-9a7c-1d2e3f4a5b6c' },
    );
    expect(encoded).toEqual({
      eventId: 'b3c1d1a2-5d8e-4b8e-9a7c-1d2e3f4a5b6c',
      type: 'Delivered',
      version: 2,
      tenantId: 'tenant-001',
      conversationId: 'abc-123',
      data: eventExamples.Delivered,
    });
  });

  it('gives each event a fresh uuid unless one is supplied', () => {
    const event: DomainEvent = { type: 'Read', data: eventExamples.Read };
    const context = { tenantId: 'tenant-001', conversationId: null };
    const first = encodeEvent(event, context).eventId;
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(encodeEvent(event, context).eventId).not.toBe(first);
  });

  it('passes occurredAt through when the fact has its own time', () => {
    const encoded = encodeEvent(
      { type: 'Read', data: eventExamples.Read },
      { tenantId: 't', conversationId: null, occurredAt: '2024-05-01T10:05:00.000Z' },
    );
    expect(encoded.occurredAt).toBe('2024-05-01T10:05:00.000Z');
  });

  it('refuses an invalid payload before it can reach the store, naming the path only', () => {
    const event = { type: 'Read', data: { wamid: 'wamid.x', readAt: 'sometime' } } as DomainEvent;
    expect(() => encodeEvent(event, { tenantId: 't', conversationId: null })).toThrow(EventEncodeError);
    expect(() => validateEvent(event)).toThrow(
      'Cannot encode Read event: invalid data: data.readAt (invalid_format)',
    );
  });

  it('refuses an unknown event type', () => {
    const event = { type: 'Nope', data: {} } as unknown as DomainEvent;
    expect(() => validateEvent(event)).toThrow(expect.objectContaining({ code: 'UnknownEventType' }));
  });
});
