import { relayTopics, topicRouter } from './topic-routing';

describe('topicRouter', () => {
  const topicFor = topicRouter('prod.');

  it('puts outbound message streams on the outbound-messages topic', () => {
    expect(topicFor({ streamId: 'outbound-tenant-1-msg-9' })).toBe('prod.bridge.outbound-messages.v1');
  });

  it('puts conversation link streams on the conversations topic', () => {
    expect(topicFor({ streamId: 'conversation-tenant-1-conv-9' })).toBe('prod.bridge.conversations.v1');
  });

  it('puts Meta webhook streams on the meta-webhooks topic', () => {
    expect(topicFor({ streamId: `meta-webhook-${'0'.repeat(64)}` })).toBe('prod.bridge.meta-webhooks.v1');
  });

  it('puts customer streams on the inbound-messages topic', () => {
    expect(topicFor({ streamId: 'customer-tenant%2D1-106540352242922-wa.16505551234' })).toBe(
      'prod.bridge.inbound-messages.v1',
    );
  });

  it('routes no other stream family, including look-alikes without the dash', () => {
    expect(topicFor({ streamId: 'outboundx-1' })).toBeNull();
    expect(topicFor({ streamId: 'tenant-outbound-1' })).toBeNull();
    expect(topicFor({ streamId: '' })).toBeNull();
  });

  it('works without a prefix', () => {
    expect(topicRouter('')({ streamId: 'conversation-a' })).toBe('bridge.conversations.v1');
  });
});

describe('relayTopics', () => {
  it('lists every routed topic once, prefixed, with the partition count', () => {
    expect(relayTopics('t-1.', 6)).toEqual([
      { name: 't-1.bridge.outbound-messages.v1', partitions: 6 },
      { name: 't-1.bridge.conversations.v1', partitions: 6 },
      { name: 't-1.bridge.meta-webhooks.v1', partitions: 6 },
      { name: 't-1.bridge.inbound-messages.v1', partitions: 6 },
    ]);
  });
});
