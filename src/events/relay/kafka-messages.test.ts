import type { StoredEvent } from '../store/types';
import { toKafkaMessage, toProduceChunks } from './kafka-messages';
import { topicRouter } from './topic-routing';

let position = 0;
const stored = (overrides: Partial<StoredEvent> = {}): StoredEvent => {
  position += 1;
  return {
    eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    type: 'TestHappened',
    version: 1,
    streamId: 'conversation-t-1',
    streamPosition: 1,
    globalPosition: String(position),
    transactionId: String(1000 + position),
    tenantId: 't',
    conversationId: 'c-1',
    occurredAt: '2024-01-01T00:00:00.000Z',
    recordedAt: '2024-01-01T00:00:00.000Z',
    causationId: null,
    correlationId: null,
    metadata: {},
    data: {},
    ...overrides,
  };
};
const topicFor = topicRouter('p.');

describe('toKafkaMessage', () => {
  it('keys by conversation, carries the type in a header and the whole envelope as the value', () => {
    const event = stored({ type: 'MessageSent', conversationId: 'conv-7' });
    const message = toKafkaMessage(event);
    expect(message.key).toBe('conv-7');
    expect(message.headers).toEqual({ 'event-type': 'MessageSent', 'event-id': event.eventId });
    expect(JSON.parse(message.value as string)).toEqual(event);
  });

  it('keys by stream when the event belongs to no conversation', () => {
    expect(toKafkaMessage(stored({ conversationId: null, streamId: 'outbound-t-m1' })).key).toBe(
      'outbound-t-m1',
    );
  });
});

describe('toProduceChunks', () => {
  it('groups one page by topic, keeping $all order within each topic', () => {
    const events = [
      stored({ streamId: 'outbound-a' }),
      stored({ streamId: 'conversation-b' }),
      stored({ streamId: 'outbound-c' }),
    ];
    const [chunk, ...rest] = toProduceChunks(events, topicFor, 1_000_000);
    expect(rest).toEqual([]);
    expect(chunk!.last).toBe(events[2]);
    expect(
      chunk!.topicMessages.map(({ topic, messages }) => [
        topic,
        messages.map((m) => JSON.parse(m.value as string).streamId),
      ]),
    ).toEqual([
      ['p.bridge.outbound-messages.v1', ['outbound-a', 'outbound-c']],
      ['p.bridge.conversations.v1', ['conversation-b']],
    ]);
  });

  it('starts a new chunk before the byte limit is passed, and gives an oversized event its own', () => {
    const small = () => stored({ data: { text: 'x'.repeat(100) } });
    const big = stored({ data: { text: 'y'.repeat(5000) } });
    const events = [small(), small(), small(), big, small()];
    const size = Buffer.byteLength(JSON.stringify(events[0])) + 3; // + key 'c-1'
    const chunks = toProduceChunks(events, topicFor, size * 2);
    expect(chunks.map((chunk) => chunk.topicMessages[0]!.messages.length)).toEqual([2, 1, 1, 1]);
    expect(chunks.map((chunk) => chunk.last)).toEqual([events[1], events[2], events[3], events[4]]);
  });

  it('passes over unrouted events but still ends the chunk at them', () => {
    const events = [stored({ streamId: 'outbound-a' }), stored({ streamId: 'mystery-1' })];
    const [chunk] = toProduceChunks(events, topicFor, 1_000_000);
    expect(chunk!.last).toBe(events[1]);
    expect(chunk!.unrouted).toEqual([events[1]]);
    expect(chunk!.topicMessages[0]!.messages).toHaveLength(1);
  });

  it('makes nothing of an empty page', () => {
    expect(toProduceChunks([], topicFor, 1000)).toEqual([]);
  });
});
